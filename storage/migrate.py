"""Apply, revert and check Alembic migrations from code (used by the CLI and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
"""The migration scripts (``env.py`` and ``versions/``) live next to this module."""


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for ``database_url``: no ini file needed, the URL is handed to
    ``env.py`` through the config's attributes."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Fail if the models and the migrations have drifted apart."""
    command.check(alembic_config(database_url))
