"""Queries for feedback links, responses and safety alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from storage.models import FeedbackLink, FeedbackResponse, Person, SafetyAlert, Team


async def link_by_hash(session: AsyncSession, token_hash: str) -> FeedbackLink | None:
    return await session.scalar(select(FeedbackLink).where(FeedbackLink.token_hash == token_hash))


async def claim_link(session: AsyncSession, link_id: int, *, now: datetime) -> bool:
    """Mark a link used if nobody else has: exactly one of two racing submits wins."""
    result = await session.execute(
        update(FeedbackLink)
        .where(FeedbackLink.id == link_id, FeedbackLink.used_at.is_(None), FeedbackLink.expires_at > now)
        .values(used_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def manager_of(session: AsyncSession, person_id: int) -> int | None:
    """The manager of the person's team, if the organisation file says who that is and they still
    work here (a manager who has left is deactivated, not deleted). Never the person themselves."""
    manager = aliased(Person)
    return await session.scalar(
        select(Team.manager_id)
        .join(Person, Person.team_id == Team.id)
        .join(manager, manager.id == Team.manager_id)
        .where(Person.id == person_id, manager.active.is_(True), manager.id != person_id)
    )


async def person_with_team(session: AsyncSession, person_id: int) -> Person | None:
    return await session.scalar(select(Person).options(selectinload(Person.team)).where(Person.id == person_id))


async def responses_for_case(session: AsyncSession, case_reference: str) -> list[FeedbackResponse]:
    return list(
        await session.scalars(
            select(FeedbackResponse)
            .where(FeedbackResponse.case_reference == case_reference)
            .order_by(FeedbackResponse.submitted_at)
        )
    )


async def alerts_for_case(session: AsyncSession, case_reference: str) -> list[SafetyAlert]:
    return list(await session.scalars(select(SafetyAlert).where(SafetyAlert.case_reference == case_reference)))
