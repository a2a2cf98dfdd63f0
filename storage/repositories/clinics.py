"""Queries for performance clinic packs: the stored packs (each team's and the whole service's),
a team's open actions and each service area's team clinics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Action, ActionStatus, PerformanceClinic, Person, SeniorLeadershipClinic, ServiceArea, Team


async def team_with_area(session: AsyncSession, team_id: int) -> tuple[Team, ServiceArea] | None:
    row = (
        await session.execute(
            select(Team, ServiceArea)
            .join(ServiceArea, ServiceArea.id == Team.service_area_id)
            .where(Team.id == team_id, Team.active.is_(True))
        )
    ).first()
    return (row[0], row[1]) if row else None


async def active_teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)))


async def clinic_of(session: AsyncSession, team_id: int, month: date) -> PerformanceClinic | None:
    return await session.scalar(
        select(PerformanceClinic).where(PerformanceClinic.team_id == team_id, PerformanceClinic.month == month)
    )


async def previous_clinic(session: AsyncSession, team_id: int, month: date) -> PerformanceClinic | None:
    """The team's latest pack for a month before ``month``."""
    return await session.scalar(
        select(PerformanceClinic)
        .where(PerformanceClinic.team_id == team_id, PerformanceClinic.month < month)
        .order_by(PerformanceClinic.month.desc())
        .limit(1)
    )


async def store_clinic(
    session: AsyncSession,
    *,
    team_id: int,
    month: date,
    prepared_on: date,
    prepared_at: datetime,
    prepared_by_id: int | None,
    snapshot: dict[str, Any],
) -> PerformanceClinic:
    """This month's record for the team, created or refreshed with the figures now shown."""
    clinic = await clinic_of(session, team_id, month)
    if clinic is None:
        clinic = PerformanceClinic(team_id=team_id, month=month)
        session.add(clinic)
    clinic.prepared_on, clinic.prepared_at, clinic.prepared_by_id = prepared_on, prepared_at, prepared_by_id
    clinic.snapshot = snapshot
    await session.flush()
    return clinic


async def open_team_actions(session: AsyncSession, team_id: int, *, limit: int) -> tuple[list[tuple[Action, str]], int]:
    """(the first ``limit`` open actions owned by the team's people, soonest due first, with the
    owners' names; how many there are in all)."""
    owned = (Action.status == ActionStatus.OPEN.value) & (Person.team_id == team_id)
    rows = await session.execute(
        select(Action, Person.display_name)
        .join(Person, Person.id == Action.owner_id)
        .where(owned)
        .order_by(Action.due_date, Action.id)
        .limit(limit)
    )
    total = await session.scalar(
        select(func.count()).select_from(Action).join(Person, Person.id == Action.owner_id).where(owned)
    )
    return [(action, name) for action, name in rows], int(total or 0)


# -- the senior leadership clinic (the whole service) -------------------------------------------


async def senior_clinic_of(session: AsyncSession, month: date) -> SeniorLeadershipClinic | None:
    return await session.scalar(select(SeniorLeadershipClinic).where(SeniorLeadershipClinic.month == month))


async def previous_senior_clinic(session: AsyncSession, month: date) -> SeniorLeadershipClinic | None:
    """The latest service pack for a month before ``month``."""
    return await session.scalar(
        select(SeniorLeadershipClinic)
        .where(SeniorLeadershipClinic.month < month)
        .order_by(SeniorLeadershipClinic.month.desc())
        .limit(1)
    )


async def store_senior_clinic(
    session: AsyncSession,
    *,
    month: date,
    prepared_on: date,
    prepared_at: datetime,
    prepared_by_id: int | None,
    snapshot: dict[str, Any],
) -> SeniorLeadershipClinic:
    """This month's service pack record, created or refreshed with the figures now shown."""
    clinic = await senior_clinic_of(session, month)
    if clinic is None:
        clinic = SeniorLeadershipClinic(month=month)
        session.add(clinic)
    clinic.prepared_on, clinic.prepared_at, clinic.prepared_by_id = prepared_on, prepared_at, prepared_by_id
    clinic.snapshot = snapshot
    await session.flush()
    return clinic


@dataclass
class AreaClinicCounts:
    """One service area's team clinics in a month and the actions agreed at team clinics."""

    packs: int = 0
    """Teams whose clinic pack was prepared for the month."""
    agreed: int = 0
    """Actions agreed at those packs' clinics."""
    open: int = 0
    """Open actions agreed at any team clinic, owned in the area's teams."""
    overdue: int = 0


async def area_clinic_counts(
    session: AsyncSession, *, month: date, today: date, source: str, source_ref: Callable[[int], str]
) -> dict[int, AreaClinicCounts]:
    """Per service area (of active teams): this month's team packs, the actions agreed at them,
    and the open and overdue team clinic actions (``source``; ``source_ref`` names a pack's actions)."""
    counts: dict[int, AreaClinicCounts] = defaultdict(AreaClinicCounts)
    packs = await session.execute(
        select(PerformanceClinic.id, Team.service_area_id)
        .join(Team, Team.id == PerformanceClinic.team_id)
        .where(PerformanceClinic.month == month, Team.active.is_(True))
    )
    area_of_ref = {}
    for clinic_id, area_id in packs:
        counts[area_id].packs += 1
        area_of_ref[source_ref(clinic_id)] = area_id
    if area_of_ref:
        agreed = await session.execute(
            select(Action.source_ref, func.count())
            .where(Action.source == source, Action.source_ref.in_(list(area_of_ref)))
            .group_by(Action.source_ref)
        )
        for ref, count in agreed:
            counts[area_of_ref[ref]].agreed += int(count)
    open_rows = await session.execute(
        select(
            Team.service_area_id,
            func.count(),
            func.sum(case((Action.due_date < today, 1), else_=0)),
        )
        .select_from(Action)
        .join(Person, Person.id == Action.owner_id)
        .join(Team, Team.id == Person.team_id)
        .where(Action.source == source, Action.status == ActionStatus.OPEN.value, Team.active.is_(True))
        .group_by(Team.service_area_id)
    )
    for area_id, total, overdue in open_rows:
        counts[area_id].open, counts[area_id].overdue = int(total), int(overdue or 0)
    return dict(counts)


async def active_areas(session: AsyncSession) -> list[ServiceArea]:
    return list(
        await session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name))
    )


async def open_actions_from(session: AsyncSession, sources: list[str]) -> int:
    """How many open actions came from these sources, whoever owns them."""
    total = await session.scalar(
        select(func.count()).where(Action.source.in_(sources), Action.status == ActionStatus.OPEN.value)
    )
    return int(total or 0)
