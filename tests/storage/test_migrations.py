"""The migrations build the whole schema from nothing and take it all down again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import inspect

from storage import migrate
from storage.models import Base
from tests.support.databases import scratch_postgres_database


def _tables(url: str) -> set[str]:
    sync_url = url.replace("+aiosqlite", "")
    engine = create_sync_engine(sync_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_empty_then_downgrade_to_nothing(backend: str, tmp_path: Path) -> None:
    def exercise(url: str) -> None:
        migrate.upgrade(url)
        assert _tables(url) == set(Base.metadata.tables)
        migrate.check(url)  # models and migrations agree
        migrate.downgrade(url, "base")
        assert _tables(url) == set()
        migrate.upgrade(url)  # and back up again, as a deploy after a rollback would
        assert _tables(url) == set(Base.metadata.tables)

    if backend == "sqlite":
        exercise(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    else:
        with scratch_postgres_database("qop_migrations") as url:
            exercise(url)
