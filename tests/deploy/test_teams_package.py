"""The Teams app package: its command menu built from the command declarations (and every
one of them really routed), validated against Microsoft's v1.30 schema, and never built when
Teams would reject it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.commands import COMMANDS, normalise
from bot.http import BOT_KEY
from qop.app import create_app
from qop.cli import cli
from qop.settings import Settings
from qop.teams_package import (
    SCHEMA,
    InvalidPackage,
    build_package,
    command_lists,
    manifest_problems,
    render_manifest,
)
from tests.support.env import PROJECT_ROOT, require
from tests.support.png import read_png

APP_ID = "6f1c2a7e-0000-4000-8000-00000000a11d"
TEAMS = Path(__file__).resolve().parents[2] / "deploy" / "teams"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        microsoft_app_id=APP_ID,
        public_base_url="https://qop.riverside-council.example",
    )


@pytest.fixture
def package_settings(settings: Settings) -> Settings:
    require(SCHEMA.exists(), "the Teams manifest schema from npm @microsoft/app-manifest (npm ci)")
    return settings


def test_the_package_builds_validates_and_holds_exactly_the_manifest_and_icons(
    package_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "dist" / "qop-teams.zip"

    manifest = build_package(package_settings, out)

    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        packed = json.loads(archive.read("manifest.json"))
    assert packed == manifest
    assert manifest_problems(packed) == []
    assert packed["manifestVersion"] == "1.30"
    assert packed["id"] == APP_ID and packed["bots"][0]["botId"] == APP_ID
    assert packed["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    # Performance analysts send the monthly extract to qop in their personal chat (docs/measures.md).
    assert packed["bots"][0]["supportsFiles"] is True
    assert packed["developer"]["privacyUrl"] == "https://qop.riverside-council.example/privacy"
    assert packed["validDomains"] == ["qop.riverside-council.example"]


def test_the_dashboard_tabs_and_sso_app_are_in_the_valid_manifest(package_settings: Settings, tmp_path: Path) -> None:
    manifest = build_package(package_settings, tmp_path / "qop-teams.zip")

    assert manifest_problems(manifest) == []
    [personal] = manifest["staticTabs"]
    assert personal["scopes"] == ["personal"]
    assert personal["contentUrl"] == "https://qop.riverside-council.example/dashboard"
    [channel] = manifest["configurableTabs"]
    assert channel["configurationUrl"] == "https://qop.riverside-council.example/dashboard/configure"
    assert channel["scopes"] == ["team", "groupChat"]
    assert manifest["webApplicationInfo"] == {
        "id": APP_ID,
        "resource": f"api://qop.riverside-council.example/{APP_ID}",
    }
    assert manifest["webApplicationInfo"]["resource"] == package_settings.dashboard_audience, (
        "Teams asks Entra for tokens for the very audience the server checks"
    )


def test_without_a_public_address_the_package_has_no_tabs(package_settings: Settings) -> None:
    local = package_settings.model_copy(update={"public_base_url": ""})

    manifest = render_manifest(local, command_lists())

    assert not {"staticTabs", "configurableTabs", "webApplicationInfo"} & set(manifest)


def test_an_invalid_manifest_is_refused_with_reasons_and_nothing_is_written(
    package_settings: Settings, tmp_path: Path
) -> None:
    broken = package_settings.model_copy(
        update={
            "microsoft_app_id": "not-a-guid",
            "teams_developer_name": "Riverside Borough Council Children's Services",
        }
    )
    out = tmp_path / "qop-teams.zip"

    with pytest.raises(InvalidPackage) as refused:
        build_package(broken, out)

    reasons = "\n".join(refused.value.problems)
    assert "id: 'not-a-guid' does not match" in reasons
    assert "developer/name" in reasons and "too long" in reasons
    assert not out.exists() and not list(tmp_path.iterdir())


def test_the_cli_refuses_with_a_clear_message_and_a_non_zero_exit(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    require(SCHEMA.exists(), "the Teams manifest schema from npm @microsoft/app-manifest (npm ci)")
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    out = tmp_path / "qop-teams.zip"

    result = CliRunner().invoke(cli, ["teams", "package", "--out", str(out)])

    assert result.exit_code == 1
    assert "was not built" in result.output and "MICROSOFT_APP_ID is not set" in result.output
    assert not out.exists()

    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    built = CliRunner().invoke(cli, ["teams", "package", "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert out.exists()


def test_the_personal_menu_leads_with_the_practitioners_everyday_commands(settings: Settings) -> None:
    manifest = render_manifest(settings, command_lists())
    lists = manifest["bots"][0]["commandLists"]
    menus = {entry["scopes"][0]: [c["title"] for c in entry["commands"]] for entry in lists}

    assert menus["personal"][:2] == ["my tasks", "my actions"]
    assert "admin roles" not in menus["personal"]
    assert "demo role" not in menus["personal"]
    assert {"help", "whoami"} <= set(menus["personal"]) & set(menus["team"]) & set(menus["groupChat"])
    assert {"digest", "link"} <= set(menus["team"])
    assert all(len(entry["commands"]) <= 12 for entry in lists)


def test_every_menu_command_is_routed_and_every_routed_command_is_declared(settings: Settings) -> None:
    router = create_app(settings.model_copy(update={"microsoft_app_id": ""}))[BOT_KEY].commands
    routed = {command.name for command in router.routed()}
    declared = {command.name for command in COMMANDS}

    assert routed == declared
    for entry in command_lists():
        for command in entry["commands"]:
            matched = router.match(command["title"], local_mode=False)
            assert matched is not None, command["title"]
            route, args = matched
            assert route.command.name == command["title"] and args == ""
            assert entry["scopes"][0] in route.command.scopes
    assert all(command.name == normalise(command.name) for command in COMMANDS)


def test_building_the_package_reads_the_declarations_without_loading_the_app(
    package_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "qop-teams.zip"
    script = textwrap.dedent(
        f"""
        import json, sys
        from qop.settings import Settings
        from qop import teams_package
        teams_package.SCHEMA = teams_package.Path({str(SCHEMA)!r})
        settings = Settings.model_validate_json({package_settings.model_dump_json()!r})
        teams_package.build_package(settings, teams_package.Path({str(out)!r}))
        print(json.dumps(sorted(sys.modules)))
        """
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)

    loaded = json.loads(done.stdout)
    assert out.exists()
    assert "bot.commands" in loaded
    heavy = [m for m in loaded if m == "qop.app" or m.split(".")[0] in ("microsoft_agents", "services", "storage")]
    assert heavy == []


def test_a_manifest_with_too_many_commands_in_a_list_is_refused(package_settings: Settings) -> None:
    thirteen = [{"title": f"command {n}", "description": "x"} for n in range(13)]

    manifest = render_manifest(package_settings, [{"scopes": ["personal"], "commands": thirteen}])

    assert any("commandLists/0/commands" in problem for problem in manifest_problems(manifest))


def test_the_colour_icon_is_192_square_opaque_and_not_blank() -> None:
    icon = read_png((TEAMS / "color.png").read_bytes())

    assert (icon.width, icon.height) == (192, 192)
    pixels = icon.pixels()
    assert all(pixel[3] == 255 for pixel in pixels) if icon.has_alpha else True
    colours = {pixel[:3] for pixel in pixels}
    assert (255, 255, 255) in colours and len(colours) > 2  # a white motif on the accent colour


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    icon = read_png((TEAMS / "outline.png").read_bytes())

    assert (icon.width, icon.height) == (32, 32)
    assert icon.has_alpha
    pixels = icon.pixels()
    drawn = [pixel for pixel in pixels if pixel[3] > 0]
    assert all(pixel[:3] == (255, 255, 255) for pixel in drawn), "outline icons may only use white"
    assert any(pixel[3] == 255 for pixel in drawn), "the outline must have solid strokes"
    corners = [icon.rows[0][0], icon.rows[0][-1], icon.rows[-1][0], icon.rows[-1][-1]]
    assert all(pixel[3] == 0 for pixel in corners), "the background must be transparent"
    assert 0.1 < len(drawn) / len(pixels) < 0.6
