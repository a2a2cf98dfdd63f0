"""Queries about role assignments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RoleAssignment


async def find_assignment(
    session: AsyncSession, *, person_id: int, role: str, service_area_id: int | None
) -> RoleAssignment | None:
    """One person's assignment of one role (for one service area, or none)."""
    area = (
        RoleAssignment.service_area_id.is_(None)
        if service_area_id is None
        else RoleAssignment.service_area_id == service_area_id
    )
    return await session.scalar(
        select(RoleAssignment).where(RoleAssignment.person_id == person_id, RoleAssignment.role == role, area)
    )
