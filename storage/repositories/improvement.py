"""Queries about the continuous improvement plan: priorities with their milestones, actions and history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    ImprovementPriorityAction,
    ImprovementStatus,
    Person,
)

STATUS_ORDER = [ImprovementStatus.ACTIVE.value, ImprovementStatus.ACHIEVED.value, ImprovementStatus.WITHDRAWN.value]


async def priorities(session: AsyncSession) -> list[ImprovementPriority]:
    """Every priority, active ones first, then in the order they were added."""
    rows = list(await session.scalars(select(ImprovementPriority).order_by(ImprovementPriority.id)))
    return sorted(rows, key=lambda p: STATUS_ORDER.index(p.status) if p.status in STATUS_ORDER else len(STATUS_ORDER))


async def people(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(wanted)))}


async def milestones(session: AsyncSession, priority_ids: Iterable[int]) -> dict[int, list[ImprovementMilestone]]:
    found: dict[int, list[ImprovementMilestone]] = defaultdict(list)
    rows = await session.scalars(
        select(ImprovementMilestone)
        .where(ImprovementMilestone.priority_id.in_(list(priority_ids)))
        .order_by(ImprovementMilestone.due_date, ImprovementMilestone.id)
    )
    for row in rows:
        found[row.priority_id].append(row)
    return found


async def linked_actions(session: AsyncSession, priority_ids: Iterable[int]) -> dict[int, list[Action]]:
    found: dict[int, list[Action]] = defaultdict(list)
    rows = await session.execute(
        select(ImprovementPriorityAction.priority_id, Action)
        .join(Action, Action.id == ImprovementPriorityAction.action_id)
        .where(ImprovementPriorityAction.priority_id.in_(list(priority_ids)))
        .order_by(Action.due_date, Action.id)
    )
    for priority_id, action in rows:
        found[priority_id].append(action)
    return found


async def linked_action_ids(session: AsyncSession, priority_id: int) -> set[int]:
    return set(
        await session.scalars(
            select(ImprovementPriorityAction.action_id).where(ImprovementPriorityAction.priority_id == priority_id)
        )
    )


async def changes(session: AsyncSession, priority_id: int) -> list[ImprovementPlanChange]:
    return list(
        await session.scalars(
            select(ImprovementPlanChange)
            .where(ImprovementPlanChange.priority_id == priority_id)
            .order_by(ImprovementPlanChange.changed_at, ImprovementPlanChange.id)
        )
    )
