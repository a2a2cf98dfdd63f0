"""Apply, revert and check Alembic migrations from code (used by the CLI and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from qop.settings import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Fail if the models and the migrations have drifted apart."""
    command.check(alembic_config(database_url))
