"""Importing actions from a spreadsheet (``qop actions import FILE.csv``): each row stands alone, every
bad row is reported with its line, and importing the same file twice adds nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_actions as text
from services.actions.creating import NewAction, add_action
from services.actions.fields import parse_date, source_of
from services.clock import Clock
from services.errors import InvalidInput
from storage.db import transaction
from storage.models import ActionSource
from storage.repositories import actions as action_repo

REQUIRED_COLUMNS = frozenset({"description", "owner_email", "due_date"})


@dataclass
class ImportReport:
    """The outcome of a CSV import: what was added, what was already there, and each bad row."""

    created: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    """Line numbers of rows that match an existing action (a file imported twice adds nothing)."""
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) for every row that was not imported."""


async def import_csv(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, content: str, *, actor_id: int | None
) -> ImportReport:
    """Import actions from CSV text, one transaction per row.

    Columns (header row required): ``description``, ``owner_email``, ``due_date`` (YYYY-MM-DD or
    DD/MM/YYYY), and optional ``source`` (default manual), ``source_ref``, ``case_reference``.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = REQUIRED_COLUMNS - {(name or "").strip() for name in reader.fieldnames or []}
    if missing:
        report.errors.append((1, text.missing_columns(sorted(missing))))
        return report
    for row in reader:
        line = reader.line_num
        values = {(key or "").strip(): (value or "").strip() for key, value in row.items() if isinstance(value, str)}
        if not any(values.values()):
            continue
        try:
            await _import_row(sessions, clock, values, line, report, actor_id=actor_id)
        except InvalidInput as problem:
            report.errors.append((line, text.import_row_problem(problem.user_message, problem.field_errors)))
    return report


async def _import_row(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    values: dict[str, str],
    line: int,
    report: ImportReport,
    *,
    actor_id: int | None,
) -> None:
    due = parse_date(values.get("due_date", ""))
    async with transaction(sessions) as session:
        email = values.get("owner_email", "").lower()
        owner = await action_repo.person_by_email(session, email) if email else None
        if owner is None:
            raise InvalidInput(text.no_colleague_with_email(email))
        new = NewAction(
            source=values.get("source") or ActionSource.MANUAL,
            description=values.get("description", ""),
            owner_id=owner.id,
            due_date=due,
            source_ref=values.get("source_ref") or None,
            case_reference=values.get("case_reference") or None,
        )
        duplicate = await action_repo.find_duplicate(
            session,
            owner_id=owner.id,
            description=new.description.strip(),
            due_date=due,
            source=source_of(new.source).value,
            source_ref=new.source_ref,
        )
        if duplicate is not None:
            report.duplicates.append(line)
            return
        action = await add_action(session, new, created_by_id=actor_id, now=clock.now())
        report.created.append(action.id)
