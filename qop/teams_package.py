"""The Teams app package: manifest.json (from deploy/teams/manifest.json, filled from the
settings and the command declarations in ``bot/commands.py``) and the two icons, zipped for
upload to the Teams admin centre. Building it reads no database and starts no app.

A package Teams would reject is never built: the manifest is validated with Draft7Validator
against the v1.30 schema shipped in Microsoft's npm package ``@microsoft/app-manifest`` (the
file says draft-04 but uses ``const``), and the icons' sizes are read from their PNG headers.
"""

from __future__ import annotations

import copy
import json
import re
import struct
import tomllib
import zipfile
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema

from bot.commands import ALL_SCOPES, MAX_MENU_COMMANDS, menu
from qop.settings import PROJECT_ROOT, Settings

TEAMS_DIR = PROJECT_ROOT / "deploy" / "teams"
MANIFEST_TEMPLATE = TEAMS_DIR / "manifest.json"
SCHEMA = PROJECT_ROOT / "node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"
ICON_SIZES = {"color": 192, "outline": 32}
MAX_COMMANDS_PER_LIST = MAX_MENU_COMMANDS
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
DEFAULT_WEBSITE = "https://www.example.org/qop"
DASHBOARD_TAB_ID = "qop-dashboard"


class InvalidPackage(Exception):
    """The package would be rejected by Teams; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def command_lists() -> list[dict[str, Any]]:
    """Teams' command menu, one list per scope: the production commands its users need most,
    at most 12 each (local-only commands such as switching demo role are left out)."""
    lists = []
    for scope in ALL_SCOPES:
        commands = menu(scope)
        if commands:
            entries = [{"title": command.name, "description": command.help} for command in commands]
            lists.append({"scopes": [str(scope)], "commands": entries})
    return lists


def render_manifest(settings: Settings, lists: list[dict[str, Any]]) -> dict[str, Any]:
    """The template with every placeholder filled; raises InvalidPackage if one is left."""
    app_id = settings.teams_app_id or settings.microsoft_app_id
    if not app_id:
        raise InvalidPackage(["MICROSOFT_APP_ID is not set: the package needs the Azure Bot's app id (a GUID)."])
    website = settings.teams_website_url or settings.public_base_url or DEFAULT_WEBSITE
    values = {
        "VERSION": project_version(),
        "TEAMS_APP_ID": app_id,
        "BOT_ID": settings.microsoft_app_id or app_id,
        "DEVELOPER_NAME": settings.teams_developer_name,
        "WEBSITE_URL": website,
        "PRIVACY_URL": settings.teams_privacy_url or website.rstrip("/") + "/privacy",
        "TERMS_URL": settings.teams_terms_url or website.rstrip("/") + "/terms",
    }
    manifest = _fill(json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8")), values)
    for bot in manifest["bots"]:
        bot["commandLists"] = copy.deepcopy(lists)
    if settings.public_base_url:
        manifest["validDomains"] = [urlparse(settings.public_base_url).netloc]
        manifest.update(dashboard_tabs(settings, app_id=settings.microsoft_app_id or app_id))
    else:
        manifest.pop("validDomains", None)
    return manifest


def dashboard_tabs(settings: Settings, *, app_id: str) -> dict[str, Any]:
    """The dashboard (docs/dashboards.md): a personal static tab for everyone, a channel (or group
    chat) tab added through its configuration page, and the Entra app Teams asks for the tab's SSO
    token (``resource`` is the Application ID URI the server checks as the token's audience).
    Only with PUBLIC_BASE_URL: Teams opens tabs on the https address in ``validDomains``."""
    dashboard = f"{settings.base_url}/dashboard"
    return {
        "staticTabs": [
            {
                "entityId": DASHBOARD_TAB_ID,
                "name": "Dashboard",
                "contentUrl": dashboard,
                "websiteUrl": dashboard,
                "scopes": ["personal"],
            }
        ],
        "configurableTabs": [
            {
                "configurationUrl": f"{dashboard}/configure",
                "canUpdateConfiguration": False,
                "scopes": ["team", "groupChat"],
            }
        ],
        "webApplicationInfo": {"id": app_id, "resource": settings.dashboard_audience},
    }


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), node)
    return node


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """Everything the v1.30 schema (and Teams) would reject, one line each."""
    problems = [
        f"{'/'.join(map(str, error.absolute_path)) or '(manifest)'}: {error.message}"
        for error in sorted(_validator().iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path)))
    ]
    problems += [
        f"a placeholder was left unfilled: {left}" for left in sorted(set(PLACEHOLDER.findall(json.dumps(manifest))))
    ]
    return sorted(set(problems))


@cache
def _validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.exists():
        raise InvalidPackage([f"The Teams manifest schema is missing ({SCHEMA}); run 'npm ci' (make package does)."])
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8-sig")))


def icon_problems(folder: Path = TEAMS_DIR) -> list[str]:
    problems = []
    for name, size in ICON_SIZES.items():
        path = folder / f"{name}.png"
        if not path.exists():
            problems.append(f"icons/{name}: {path} is missing")
            continue
        width, height = png_size(path.read_bytes())
        if (width, height) != (size, size):
            problems.append(f"icons/{name}: {path.name} is {width}x{height}, Teams needs {size}x{size}")
    return problems


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (0x0 if it is not a PNG)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return 0, 0
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def build_package(settings: Settings, out: Path) -> dict[str, Any]:
    """Write the zip (manifest.json, color.png, outline.png) and return the manifest;
    raises InvalidPackage, writing nothing, when Teams would reject it."""
    manifest = render_manifest(settings, command_lists())
    problems = manifest_problems(manifest) + icon_problems()
    if problems:
        raise InvalidPackage(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for name in ICON_SIZES:
            archive.write(TEAMS_DIR / f"{name}.png", arcname=f"{name}.png")
    partial.replace(out)
    return manifest


def project_version() -> str:
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])
