"""Queries about actions, their date changes and their story."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Action, ActionDateChange, ActionEvent, DateChangeDecision, Person, Team
from views.actions import ActionStatus


def with_owner() -> Select[tuple[Action]]:
    # The team's manager too: whether they are still active decides who the owner's line manager is.
    return select(Action).options(selectinload(Action.owner).selectinload(Person.team).selectinload(Team.manager))


async def get(session: AsyncSession, action_id: int, *, for_update: bool = False) -> Action | None:
    """The action with its owner, their team and its manager. Not ``populate_existing``: a team manager's
    own action loads them twice (owner and manager), and refreshing the second copy would unload the first
    one's team. Eager loaders still fill what is unloaded, so a caller that changes a relationship through
    its id expires it (``reassign`` expires ``owner``) and gets it back loaded."""
    query = with_owner().where(Action.id == action_id)
    if for_update:
        query = query.with_for_update(of=Action)
    return await session.scalar(query)


def overdue_condition(today: date):  # type: ignore[no-untyped-def]
    """SQL for 'overdue on ``today``' (open and past its due date), for lists and reports."""
    return and_(Action.status == ActionStatus.OPEN.value, Action.due_date < today)


def _overdue_first(today: date):  # type: ignore[no-untyped-def]
    return case((overdue_condition(today), 0), else_=1)


async def for_owner(session: AsyncSession, owner_id: int, *, today: date, include_closed: bool) -> list[Action]:
    query = with_owner().where(Action.owner_id == owner_id)
    if not include_closed:
        query = query.where(Action.status == ActionStatus.OPEN.value)
    query = query.order_by(_overdue_first(today), Action.due_date, Action.id)
    return list(await session.scalars(query))


async def for_owners(session: AsyncSession, owner_ids: list[int], *, today: date) -> list[Action]:
    """Open actions of these people, overdue first, then by due date."""
    if not owner_ids:
        return []
    query = (
        with_owner()
        .where(Action.owner_id.in_(owner_ids), Action.status == ActionStatus.OPEN.value)
        .order_by(_overdue_first(today), Action.due_date, Action.id)
    )
    return list(await session.scalars(query))


async def open_actions(session: AsyncSession) -> list[Action]:
    """Every open action (the reminder planner's input), with owners and their teams."""
    return list(await session.scalars(with_owner().where(Action.status == ActionStatus.OPEN.value)))


async def done_without_impact(session: AsyncSession) -> list[Action]:
    """Done actions still waiting for an impact answer (or asked for more)."""
    query = with_owner().where(
        Action.status == ActionStatus.DONE.value,
        (Action.impact_answer.is_(None)) | (Action.impact_more_asked.is_(True)),
    )
    return list(await session.scalars(query))


async def find_duplicate(
    session: AsyncSession, *, owner_id: int, description: str, due_date: date, source: str, source_ref: str | None
) -> Action | None:
    """An existing action identical to this one (so re-importing a file adds nothing twice)."""
    query = select(Action).where(
        Action.owner_id == owner_id,
        Action.description == description,
        Action.due_date == due_date,
        Action.source == source,
        Action.source_ref.is_(None) if source_ref is None else Action.source_ref == source_ref,
    )
    return await session.scalar(query.limit(1))


async def pending_proposal(session: AsyncSession, action_id: int) -> ActionDateChange | None:
    return await session.scalar(
        select(ActionDateChange).where(
            ActionDateChange.action_id == action_id, ActionDateChange.decision == DateChangeDecision.PENDING.value
        )
    )


async def pending_proposals(session: AsyncSession, action_ids: list[int]) -> dict[int, ActionDateChange]:
    if not action_ids:
        return {}
    rows = await session.scalars(
        select(ActionDateChange).where(
            ActionDateChange.action_id.in_(action_ids),
            ActionDateChange.decision == DateChangeDecision.PENDING.value,
        )
    )
    return {row.action_id: row for row in rows}


async def get_proposal(session: AsyncSession, proposal_id: int) -> ActionDateChange | None:
    return await session.get(ActionDateChange, proposal_id)


async def date_changes(session: AsyncSession, action_id: int) -> list[ActionDateChange]:
    return list(
        await session.scalars(
            select(ActionDateChange).where(ActionDateChange.action_id == action_id).order_by(ActionDateChange.id)
        )
    )


async def events(session: AsyncSession, action_id: int) -> list[ActionEvent]:
    return list(
        await session.scalars(select(ActionEvent).where(ActionEvent.action_id == action_id).order_by(ActionEvent.id))
    )


async def people_managed_by(session: AsyncSession, manager_id: int) -> list[int]:
    """Everyone in the teams this person manages (themselves excluded)."""
    rows = await session.scalars(
        select(Person.id).join(Team, Person.team_id == Team.id).where(Team.manager_id == manager_id)
    )
    return [person_id for person_id in rows if person_id != manager_id]
