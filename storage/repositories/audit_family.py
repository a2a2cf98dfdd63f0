"""Queries for the family's view inside an audit: its answers, its waiting links and the reason
recorded when it could not be had."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditAssignment, AuditFamilyReason, AuditSubmission, FeedbackLink, FeedbackResponse


async def answers_for(session: AsyncSession, assignment_id: int) -> list[FeedbackResponse]:
    """The family's answers counted for the audit, oldest first."""
    query = (
        select(FeedbackResponse)
        .where(FeedbackResponse.assignment_id == assignment_id)
        .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id)
    )
    return list(await session.scalars(query))


async def waiting_links(session: AsyncSession, assignment_id: int, *, now: datetime) -> list[FeedbackLink]:
    """Links made from the audit that are still open (not answered, not expired)."""
    query = (
        select(FeedbackLink)
        .where(
            FeedbackLink.assignment_id == assignment_id,
            FeedbackLink.used_at.is_(None),
            FeedbackLink.expires_at > now,
        )
        .order_by(FeedbackLink.expires_at, FeedbackLink.id)
    )
    return list(await session.scalars(query))


async def reason_for(session: AsyncSession, assignment_id: int) -> AuditFamilyReason | None:
    return await session.get(AuditFamilyReason, assignment_id)


async def record_reason(
    session: AsyncSession, assignment_id: int, *, reason: str, tries: int | None, now: datetime
) -> None:
    """Record (or replace) why the audit goes without the family's view."""
    row = await session.get(AuditFamilyReason, assignment_id)
    if row is None:
        session.add(AuditFamilyReason(assignment_id=assignment_id, reason=reason, tries=tries, recorded_at=now))
    else:
        row.reason, row.tries, row.recorded_at = reason, tries, now
    await session.flush()


async def has_family_answers(session: AsyncSession, assignment_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(FeedbackResponse.assignment_id == assignment_id))))


async def audit_submitted(session: AsyncSession, assignment_id: int) -> bool:
    """Whether the audit is closed to the family's answers counting on time."""
    return bool(await session.scalar(select(exists().where(AuditSubmission.assignment_id == assignment_id))))


async def practitioner_of(session: AsyncSession, assignment_id: int) -> int | None:
    return await session.scalar(select(AuditAssignment.practitioner_id).where(AuditAssignment.id == assignment_id))


async def forget_audits(session: AsyncSession, assignment_ids: Sequence[int]) -> None:
    """Before audits are removed: their reasons go, their links and answers stay (the family's
    feedback has its own retention) but no longer point at them."""
    await session.execute(delete(AuditFamilyReason).where(AuditFamilyReason.assignment_id.in_(assignment_ids)))
    for table in (FeedbackLink, FeedbackResponse):
        await session.execute(update(table).where(table.assignment_id.in_(assignment_ids)).values(assignment_id=None))
