"""Queries about actions, their date changes and their story."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    AREA_ROLES,
    QA_LEAD_ROLES,
    Action,
    ActionDateChange,
    ActionEvent,
    DateChangeDecision,
    Person,
    RoleAssignment,
    Team,
)
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


async def senior_and_qa_lead_roles(session: AsyncSession) -> list[tuple[int, str, int | None]]:
    """(person id, role, service area id) of every active senior manager, Head of Service, QA lead and
    QA Head of Service in the organisation."""
    rows = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.role, RoleAssignment.service_area_id)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(
            RoleAssignment.role.in_([role.value for role in (*AREA_ROLES, *QA_LEAD_ROLES)]),
            Person.active.is_(True),
            Person.in_organisation.is_(True),
        )
        .order_by(RoleAssignment.person_id)
    )
    return [(person_id, role, area_id) for person_id, role, area_id in rows]


def _assignable(team_ids: set[int] | None, excluding: int | None) -> Select[tuple[Person]]:
    """Active people in the organisation (``team_ids`` None) or in these teams, but never ``excluding``."""
    query = select(Person).where(Person.active.is_(True))
    if team_ids is None:
        query = query.where(Person.in_organisation.is_(True))
    else:
        query = query.where(Person.team_id.in_(team_ids))
    return query if excluding is None else query.where(Person.id != excluding)


async def assignable_people(
    session: AsyncSession, *, team_ids: set[int] | None, excluding: int | None = None, limit: int
) -> list[Person]:
    """At most ``limit`` people an action may be handed on to, by name (see ``_assignable``)."""
    query = _assignable(team_ids, excluding).order_by(Person.display_name, Person.id).limit(limit)
    return list(await session.scalars(query))


async def is_assignable(
    session: AsyncSession, person_id: int, *, team_ids: set[int] | None, excluding: int | None = None
) -> bool:
    """Whether ``person_id`` is among the people ``assignable_people`` would list, without the limit."""
    query = _assignable(team_ids, excluding).where(Person.id == person_id).limit(1)
    return await session.scalar(query) is not None


async def active_people(session: AsyncSession, person_ids: list[int]) -> list[Person]:
    """The active people among these ids."""
    if not person_ids:
        return []
    return list(await session.scalars(select(Person).where(Person.id.in_(person_ids), Person.active.is_(True))))


async def person_by_email(session: AsyncSession, email: str) -> Person | None:
    """The person with exactly this (already lower-cased) e-mail address."""
    return await session.scalar(select(Person).where(Person.email == email))


async def raised_from(session: AsyncSession, source: str, source_ref: str) -> list[tuple[Action, str]]:
    """Actions raised from one record (an audit, a meeting), oldest first, with their owners' names."""
    rows = await session.execute(
        select(Action, Person.display_name)
        .join(Person, Person.id == Action.owner_id)
        .where(Action.source == source, Action.source_ref == source_ref)
        .order_by(Action.id)
    )
    return [(action, name) for action, name in rows]
