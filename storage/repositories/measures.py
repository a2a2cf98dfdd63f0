"""Queries for the measures files, imported indicator values and the audit answers behind
qualitative indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core_rows
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
    rows = await core_rows(
        session,
        select(Team.id, Team.name, ServiceArea.id, ServiceArea.name)
        .join(ServiceArea, ServiceArea.id == Team.service_area_id)
        .where(Team.active.is_(True))
        .order_by(Team.name),
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


@dataclass(frozen=True)
class AreaSums:
    """The stored figures of one service area's teams (those asked about) for one indicator and month."""

    indicator_key: str
    area_id: int
    """The service area; the team itself when summed ``per_team``."""
    month: date
    teams: int
    pooled: int
    """How many of them have a numerator and a non-zero denominator."""
    numerator: int
    denominator: int
    value_sum: float


async def value_sums(
    session: AsyncSession,
    *,
    team_ids: Iterable[int],
    indicator_keys: Iterable[str],
    since: date,
    until: date,
    per_team: bool = False,
) -> list[AreaSums]:
    """Stored values of these teams and indicators for months in [since, until], summed per service
    area and month in the database: a whole-service scope reads a few hundred rows, not one per
    team and month. ``per_team`` sums each team on its own (every team judged apart, in one read)."""
    group = IndicatorValue.team_id if per_team else Team.service_area_id
    counted = and_(IndicatorValue.numerator.is_not(None), IndicatorValue.denominator.is_not(None))
    pooled = case((and_(counted, IndicatorValue.denominator != 0), 1), else_=0)
    rows = await core_rows(
        session,
        select(
            IndicatorValue.indicator_key,
            group,
            IndicatorValue.month,
            func.count(),
            func.sum(pooled),
            func.coalesce(func.sum(IndicatorValue.numerator), 0),
            func.coalesce(func.sum(IndicatorValue.denominator), 0),
            func.sum(IndicatorValue.value),
        )
        .join(Team, Team.id == IndicatorValue.team_id)
        .where(
            IndicatorValue.team_id.in_(list(team_ids)),
            IndicatorValue.indicator_key.in_(list(indicator_keys)),
            IndicatorValue.month >= since,
            IndicatorValue.month <= until,
        )
        .group_by(IndicatorValue.indicator_key, group, IndicatorValue.month),
    )
    return [
        AreaSums(key, area, month, int(teams), int(pooled), int(numerator), int(denominator), float(value_sum))
        for key, area, month, teams, pooled, numerator, denominator, value_sum in rows
    ]


@dataclass(frozen=True)
class AnswerTable:
    """Answers to a few questions of many audits: per template, (team id, period, answers) rows
    with the answers in ``questions`` order, as text (a multiple choice as its JSON list)."""

    questions: tuple[str, ...]
    rows: dict[str, list[tuple[int, int, tuple[Any, ...]]]]

    def answers(self, template_id: str, question_id: str) -> list[tuple[int, int, Any]]:
        """(team id, period, answer) of each audit of the template (answer None: not given)."""
        column = self.questions.index(question_id)
        return [(team, period, answers[column]) for team, period, answers in self.rows.get(template_id, [])]


async def audit_answers(
    session: AsyncSession,
    *,
    template_ids: Iterable[str],
    question_ids: Iterable[str],
    team_ids: Iterable[int],
    boundaries: Sequence[datetime],
) -> AnswerTable:
    """The answers to these questions in the submitted audits of these templates for these teams,
    by template id, submitted from ``boundaries[0]`` until ``boundaries[-1]``, each with the period
    it falls in (``boundaries[i] <= submitted_at < boundaries[i + 1]``: the database tells).

    Only the questions asked for leave the database, as text (an audit holds fifty answers; an
    indicator counts one), so reading thousands of audits costs little more than the SQL."""
    questions = sorted(set(question_ids))
    period = case(*((AuditSubmission.submitted_at < end, index) for index, end in enumerate(boundaries[1:])), else_=-1)
    rows = await core_rows(
        session,
        select(
            AuditSubmission.template_id,
            AuditAssignment.team_id,
            period,
            *(AuditSubmission.answers[question].as_string() for question in questions),
        )
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            AuditSubmission.template_id.in_(list(template_ids)),
            AuditAssignment.team_id.in_(list(team_ids)),
            AuditSubmission.submitted_at >= boundaries[0],
            AuditSubmission.submitted_at < boundaries[-1],
        ),
    )
    found: dict[str, list[tuple[int, int, tuple[Any, ...]]]] = {}
    for template_id, team_id, index, *answers in rows:
        found.setdefault(template_id, []).append((team_id, index, tuple(answers)))
    return AnswerTable(tuple(questions), found)


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
