"""Queries for performance clinic packs: the stored packs and a team's open actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Action, ActionStatus, PerformanceClinic, Person, ServiceArea, Team


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
