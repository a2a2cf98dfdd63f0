"""Queries for the measures files, imported indicator values and the audit answers behind
qualitative indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ActionStatus,
    AuditAssignment,
    AuditSubmission,
    IndicatorImportBatch,
    IndicatorValue,
    MeasureDeclaration,
    Person,
    ServiceArea,
    Team,
)


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    area_id: int
    area_name: str


async def active_teams(session: AsyncSession) -> list[TeamRow]:
    """Every active team with its service area's name (what extracts and scopes are matched against)."""
    rows = await session.execute(
        select(Team.id, Team.name, ServiceArea.id, ServiceArea.name)
        .join(ServiceArea, ServiceArea.id == Team.service_area_id)
        .where(Team.active.is_(True))
        .order_by(Team.name)
    )
    return [TeamRow(*row) for row in rows]


async def active_area_names(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(ServiceArea.name).where(ServiceArea.active.is_(True))))


async def latest_declaration(session: AsyncSession) -> MeasureDeclaration | None:
    return await session.scalar(select(MeasureDeclaration).order_by(MeasureDeclaration.id.desc()).limit(1))


async def add_declaration(
    session: AsyncSession, *, file_name: str, sha256: str, document: dict[str, Any], now: datetime
) -> MeasureDeclaration:
    declaration = MeasureDeclaration(file_name=file_name, sha256=sha256, document=document, loaded_at=now)
    session.add(declaration)
    await session.flush()
    return declaration


@dataclass(frozen=True)
class NewValue:
    indicator_key: str
    team_id: int
    month: date
    value: float
    numerator: int | None
    denominator: int | None


async def replace_values(
    session: AsyncSession, values: Sequence[NewValue], *, batch: IndicatorImportBatch, source: str
) -> int:
    """Write the values, replacing any stored for the same (indicator, team, month); returns how
    many replaced a stored figure."""
    session.add(batch)
    await session.flush()
    existing = {
        (row.indicator_key, row.team_id, row.month): row
        for row in await session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.team_id.in_({v.team_id for v in values}),
                IndicatorValue.indicator_key.in_({v.indicator_key for v in values}),
                IndicatorValue.month.in_({v.month for v in values}),
            )
        )
    }
    replaced = 0
    for value in values:
        row = existing.get((value.indicator_key, value.team_id, value.month))
        if row is None:
            row = IndicatorValue(indicator_key=value.indicator_key, team_id=value.team_id, month=value.month)
            session.add(row)
        else:
            replaced += 1
        row.value, row.numerator, row.denominator = value.value, value.numerator, value.denominator
        row.source, row.batch_id = source, batch.id
    await session.flush()
    return replaced


async def values_for(
    session: AsyncSession, *, team_ids: Iterable[int], indicator_keys: Iterable[str], since: date, until: date
) -> list[IndicatorValue]:
    """Stored values of these teams and indicators for months in [since, until]."""
    return list(
        await session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.team_id.in_(list(team_ids)),
                IndicatorValue.indicator_key.in_(list(indicator_keys)),
                IndicatorValue.month >= since,
                IndicatorValue.month <= until,
            )
        )
    )


@dataclass(frozen=True)
class SubmittedAnswers:
    team_id: int
    submitted_at: datetime
    answers: dict[str, Any]


async def audit_answers(
    session: AsyncSession, *, template_ids: Iterable[str], team_ids: Iterable[int], since: datetime, until: datetime
) -> dict[str, list[SubmittedAnswers]]:
    """Submitted audits of these templates for these teams in [since, until), by template id."""
    rows = await session.execute(
        select(
            AuditSubmission.template_id, AuditAssignment.team_id, AuditSubmission.submitted_at, AuditSubmission.answers
        )
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            AuditSubmission.template_id.in_(list(template_ids)),
            AuditAssignment.team_id.in_(list(team_ids)),
            AuditSubmission.submitted_at >= since,
            AuditSubmission.submitted_at < until,
        )
    )
    found: dict[str, list[SubmittedAnswers]] = {}
    for template_id, team_id, submitted_at, answers in rows:
        found.setdefault(template_id, []).append(SubmittedAnswers(team_id, submitted_at, answers or {}))
    return found


async def open_actions_count(session: AsyncSession, team_ids: Iterable[int]) -> int:
    """Open actions owned by people in these teams."""
    return (
        await session.scalar(
            select(func.count())
            .select_from(Action)
            .join(Person, Person.id == Action.owner_id)
            .where(Action.status == ActionStatus.OPEN.value, Person.team_id.in_(list(team_ids)))
        )
        or 0
    )
