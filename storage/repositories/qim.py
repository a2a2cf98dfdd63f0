"""Queries about the Quality Improvement Meeting: meetings, decisions, service-level actions and
the owners' monthly assurance updates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ActionSource,
    AssuranceUpdate,
    ImprovementPriority,
    ImprovementStatus,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
)
from views.actions import ActionStatus


async def meeting_on(session: AsyncSession, day: object) -> QimMeeting | None:
    return await session.scalar(select(QimMeeting).where(QimMeeting.meeting_on == day))


async def last_channel(session: AsyncSession) -> int | None:
    """The channel of the latest meeting that had one: where a new meeting's pack goes."""
    return await session.scalar(
        select(QimMeeting.conversation_id)
        .where(QimMeeting.conversation_id.is_not(None))
        .order_by(QimMeeting.meeting_on.desc())
        .limit(1)
    )


async def decisions(session: AsyncSession, meeting_id: int) -> list[QimDecision]:
    return list(
        await session.scalars(select(QimDecision).where(QimDecision.meeting_id == meeting_id).order_by(QimDecision.id))
    )


async def decision_changes(session: AsyncSession, decision_ids: Iterable[int]) -> list[QimDecisionChange]:
    ids = list(decision_ids)
    if not ids:
        return []
    return list(
        await session.scalars(
            select(QimDecisionChange)
            .where(QimDecisionChange.decision_id.in_(ids))
            .order_by(QimDecisionChange.changed_at, QimDecisionChange.id)
        )
    )


async def service_actions(session: AsyncSession, *, closed_since: datetime) -> list[Action]:
    """Service-level actions (source QIM): every open one, and those closed since ``closed_since``."""
    recent = or_(Action.completed_at >= closed_since, Action.cancelled_at >= closed_since)
    return list(
        await session.scalars(
            select(Action)
            .where(Action.source == ActionSource.QIM.value, or_(Action.status == ActionStatus.OPEN.value, recent))
            .order_by(Action.due_date, Action.id)
        )
    )


async def open_service_actions(session: AsyncSession, *, created_before: datetime) -> list[Action]:
    return list(
        await session.scalars(
            select(Action)
            .where(
                Action.source == ActionSource.QIM.value,
                Action.status == ActionStatus.OPEN.value,
                Action.created_at < created_before,
            )
            .order_by(Action.id)
        )
    )


async def active_priorities(
    session: AsyncSession, *, created_before: datetime | None = None
) -> list[ImprovementPriority]:
    query = select(ImprovementPriority).where(ImprovementPriority.status == ImprovementStatus.ACTIVE.value)
    if created_before is not None:
        query = query.where(ImprovementPriority.created_at < created_before)
    return list(await session.scalars(query.order_by(ImprovementPriority.id)))


async def updates_since(session: AsyncSession, since: datetime) -> list[AssuranceUpdate]:
    return list(
        await session.scalars(
            select(AssuranceUpdate)
            .where(AssuranceUpdate.written_at >= since)
            .order_by(AssuranceUpdate.written_at, AssuranceUpdate.id)
        )
    )


async def latest_updates(session: AsyncSession) -> dict[tuple[str, int], AssuranceUpdate]:
    """The latest update of each action (``("action", id)``) and priority (``("priority", id)``)."""
    latest: dict[tuple[str, int], AssuranceUpdate] = {}
    for row in await session.scalars(select(AssuranceUpdate).order_by(AssuranceUpdate.written_at, AssuranceUpdate.id)):
        key = ("action", row.action_id) if row.action_id is not None else ("priority", row.priority_id or 0)
        latest[key] = row
    return latest
