"""The database qop runs on in the bench, and what the bench reads from it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from services import access_log
from storage.db import create_engine
from storage.models import AccessLogEntry, AuditAssignment
from tests.support.databases import scratch_postgres_database

AUDIT_RECORD = "audit"
"""What the audit service names its records in the access log (services/audits/service.py)."""


@contextlib.contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database for one run (qop's own CLI migrates it): an SQLite file in ``folder``,
    or a uniquely named PostgreSQL database on 127.0.0.1 that is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        return
    with scratch_postgres_database("qop_bench") as url:
        yield url


async def demo_assignment_id(url: str, case_ref: str) -> int:
    """The id of the demo audit on ``case_ref``."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(select(AuditAssignment.id).where(AuditAssignment.case_ref == case_ref))
    finally:
        await engine.dispose()
    if found is None:
        raise SystemExit(f"the demo audit on {case_ref} is missing: did 'qop demo load' change?")
    return int(found)


async def audit_changes(url: str, assignment_id: int) -> int:
    """How many changes to this audit the access log holds: one per saved page."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(
                await connection.scalar(
                    select(func.count()).where(
                        AccessLogEntry.record_type == AUDIT_RECORD,
                        AccessLogEntry.record_id == str(assignment_id),
                        AccessLogEntry.action == access_log.CHANGE,
                    )
                )
                or 0
            )
    finally:
        await engine.dispose()
