"""Queries for practice observations and mapping meetings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MappingAttendee, MappingMeeting, Person, PracticeObservation, Team


async def observations_between(session: AsyncSession, since: date, until: date) -> Sequence[PracticeObservation]:
    """Observations held from ``since`` up to and including ``until``, oldest first."""
    rows = await session.scalars(
        select(PracticeObservation)
        .where(PracticeObservation.observed_on >= since, PracticeObservation.observed_on <= until)
        .order_by(PracticeObservation.observed_on, PracticeObservation.id)
    )
    return rows.all()


async def team_members(session: AsyncSession, team_id: int) -> Sequence[Person]:
    """Active people of a team, its manager included, by name."""
    team = await session.get(Team, team_id)
    manager_id = team.manager_id if team else None
    rows = await session.scalars(
        select(Person)
        .where(
            Person.active.is_(True),
            Person.in_organisation.is_(True),
            or_(Person.team_id == team_id, Person.id == manager_id),
        )
        .order_by(Person.display_name, Person.id)
    )
    return rows.all()


async def observable_people(session: AsyncSession, team_ids: Collection[int] | None) -> Sequence[Person]:
    """Active people of the organisation, by name: of ``team_ids`` only, or everyone when None."""
    query = select(Person).where(Person.active.is_(True), Person.in_organisation.is_(True))
    if team_ids is not None:
        query = query.where(Person.team_id.in_(list(team_ids)))
    rows = await session.scalars(query.order_by(Person.display_name, Person.id))
    return rows.all()


async def attendee_scales(session: AsyncSession, meeting_id: int) -> Sequence[tuple[MappingAttendee, str]]:
    """A meeting's attendees with their names, in the order recorded."""
    rows = await session.execute(
        select(MappingAttendee, Person.display_name)
        .join(Person, Person.id == MappingAttendee.person_id)
        .where(MappingAttendee.meeting_id == meeting_id)
        .order_by(MappingAttendee.id)
    )
    return [(attendee, name) for attendee, name in rows]


async def meeting(session: AsyncSession, meeting_id: int) -> MappingMeeting | None:
    return await session.get(MappingMeeting, meeting_id)
