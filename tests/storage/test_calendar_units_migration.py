"""Migration 0009: organisation-wide calendar records become the service-wide unit's, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from storage import migrate
from tests.support.databases import scratch_postgres_database

INSERT_OLD = (
    "INSERT INTO qa_calendar_occurrences (activity, due_on, held_on, recorded_at, note) "
    "VALUES ('supervision', '2026-03-10', '2026-03-09', '2026-03-09 10:00:00+00', '')"
)
INSERT_TEAM = (
    "INSERT INTO qa_calendar_occurrences (activity, unit, due_on, held_on, ad_hoc, recorded_at, note) "
    "VALUES ('supervision', 'manager-7', '2026-03-10', '2026-03-10', false, '2026-03-10 10:00:00+00', '')"
)


def _run(url: str, *statements: str) -> list[tuple]:
    engine = create_sync_engine(url.replace("+aiosqlite", ""))
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
            return list(connection.execute(text("SELECT * FROM qa_calendar_occurrences ORDER BY id")).mappings())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_older_records_become_service_wide_and_units_can_record_beside_them(backend: str, tmp_path: Path) -> None:
    def exercise(url: str) -> None:
        migrate.upgrade(url, "0008")
        _run(url, INSERT_OLD)
        migrate.upgrade(url, "0009")
        [old] = _run(url)
        assert old["unit"] == "service" and not old["ad_hoc"] and old["findings"] is None
        both = _run(url, INSERT_TEAM)  # the same activity and date, in a unit: a record of its own
        assert [row["unit"] for row in both] == ["service", "manager-7"]
        migrate.downgrade(url, "0008")  # one record per (activity, date) again: the first stays
        [kept] = _run(url)
        assert kept["held_on"].__str__().startswith("2026-03-09")

    if backend == "sqlite":
        exercise(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    else:
        with scratch_postgres_database("qop_calendar_units") as url:
            exercise(url)
