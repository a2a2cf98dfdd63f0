"""The dashboard's counts, one grouped query each, for a set of teams or one person's own work.

A team's work is what is recorded against the team (an audit's team, a feedback group) or done
by its people (the practitioner of a case, an action's owner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core_rows
from storage.models import Action, AuditAssignment, AuditRound, FeedbackResponse, Person, ServiceArea, Team
from views.actions import ActionStatus
from views.dashboard import ActionCounts


@dataclass(frozen=True)
class Whose:
    """Whose work to count: the people and records of ``team_ids``, or one ``person_id``'s own."""

    team_ids: frozenset[int] = frozenset()
    person_id: int | None = None


def _people_of(team_ids: frozenset[int]) -> Select[tuple[int]]:
    return select(Person.id).where(Person.team_id.in_(team_ids))


def _either(
    whose: Whose, team_column: ColumnElement[int | None], person_column: ColumnElement[int | None]
) -> ColumnElement[bool]:
    """Recorded against one of the teams, or done by one of their people (or by the one person)."""
    if whose.person_id is not None:
        return person_column == whose.person_id
    if not whose.team_ids:
        return false()
    return or_(team_column.in_(whose.team_ids), person_column.in_(_people_of(whose.team_ids)))


async def audits_by_type_and_stage(session: AsyncSession, whose: Whose, since: datetime) -> list[tuple[str, str, int]]:
    """(template id, status, count) of audits set up since ``since``."""
    rows = await core_rows(
        session,
        select(AuditRound.template_id, AuditAssignment.status, func.count())
        .join(AuditRound, AuditRound.id == AuditAssignment.round_id)
        .where(
            AuditAssignment.created_at >= since,
            _either(whose, AuditAssignment.team_id, AuditAssignment.practitioner_id),
        )
        .group_by(AuditRound.template_id, AuditAssignment.status),
    )
    return [(template, status, int(count)) for template, status, count in rows]


async def feedback_by_form_and_channel(
    session: AsyncSession, whose: Whose, since: datetime
) -> list[tuple[str, str, int]]:
    """(template key, channel, count) of feedback answers received since ``since``."""
    rows = await core_rows(
        session,
        select(FeedbackResponse.template_key, FeedbackResponse.channel, func.count())
        .where(
            FeedbackResponse.submitted_at >= since,
            _either(whose, FeedbackResponse.group_team_id, FeedbackResponse.worker_id),
        )
        .group_by(FeedbackResponse.template_key, FeedbackResponse.channel),
    )
    return [(template, channel, int(count)) for template, channel, count in rows]


async def action_counts(session: AsyncSession, whose: Whose, *, since: datetime, today: date) -> ActionCounts:
    """Open and overdue actions now; done and cancelled ones closed since ``since``."""
    if whose.person_id is not None:
        owned: ColumnElement[bool] = Action.owner_id == whose.person_id
    elif whose.team_ids:
        owned = Action.owner_id.in_(_people_of(whose.team_ids))
    else:
        owned = false()
    is_open = Action.status == ActionStatus.OPEN.value
    row = (
        await core_rows(
            session,
            select(
                func.count().filter(is_open),
                func.count().filter(is_open, Action.due_date < today),
                func.count().filter(Action.status == ActionStatus.DONE.value, Action.completed_at >= since),
                func.count().filter(Action.status == ActionStatus.CANCELLED.value, Action.cancelled_at >= since),
            ).where(owned),
        )
    ).one()
    return ActionCounts(open=int(row[0]), overdue=int(row[1]), done=int(row[2]), cancelled=int(row[3]))


async def active_teams(session: AsyncSession) -> list[tuple[int, str, int, str]]:
    """(team id, team name, service area id, service area name) of every active team, by name."""
    rows = await core_rows(
        session,
        select(Team.id, Team.name, ServiceArea.id, ServiceArea.name)
        .join(ServiceArea, ServiceArea.id == Team.service_area_id)
        .where(Team.active.is_(True), ServiceArea.active.is_(True))
        .order_by(ServiceArea.name, Team.name),
    )
    return [(int(t), str(tn), int(a), str(an)) for t, tn, a, an in rows]
