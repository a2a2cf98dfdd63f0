"""What the deployment files must agree with, read from the app itself: its routes, its
settings' environment names and defaults, its CLI commands, and what production mode needs."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic.fields import FieldInfo

from qop.app import create_app
from qop.cli import cli
from qop.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def app_routes(tmp_path: Path) -> set[tuple[str, str]]:
    """Every (method, path) the real app serves (built by the real factory, never started)."""
    app = create_app(Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"))
    return {(route.method, route.resource.canonical) for route in app.router.routes() if route.resource is not None}


def app_get_paths(tmp_path: Path) -> set[str]:
    return {path for method, path in app_routes(tmp_path) if method == "GET"}


def env_name(field: str) -> str:
    """The environment variable that sets ``Settings.<field>`` (its alias, else its upper-cased name)."""
    info: FieldInfo = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, str):
        return alias
    if alias is not None:  # AliasChoices: the first choice is the documented name
        return str(alias.choices[0])
    return field.upper()


def default_of(field: str) -> object:
    return Settings.model_fields[field].default


def cli_command_exists(*words: str) -> bool:
    """True when ``python -m qop WORDS...`` names a real command of the CLI."""
    command = typer.main.get_command(cli)
    for word in words:
        subcommands = getattr(command, "commands", None)  # only groups have subcommands
        if subcommands is None or word not in subcommands:
            return False
        command = subcommands[word]
    return getattr(command, "commands", None) is None
