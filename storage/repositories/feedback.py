"""Queries for feedback links, responses and safety alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

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


async def person_with_manager(session: AsyncSession, person_id: int) -> Person | None:
    """The person with their team and its manager loaded (what ``services.actions.manager_id_of``
    reads to tell whether they have an active line manager)."""
    return await session.scalar(
        select(Person).options(selectinload(Person.team).selectinload(Team.manager)).where(Person.id == person_id)
    )


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
