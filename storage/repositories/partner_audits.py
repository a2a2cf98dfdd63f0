"""Queries for multi-agency audits' partner links and the parts partners return."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditAssignment, AuditStatus, AuditSubmission, PartnerAuditLink, PartnerAuditPart


async def link_by_hash(session: AsyncSession, token_hash: str) -> PartnerAuditLink | None:
    return await session.scalar(select(PartnerAuditLink).where(PartnerAuditLink.token_hash == token_hash))


async def claim_link(session: AsyncSession, link_id: int, *, now: datetime) -> bool:
    """Mark a link used if nobody else has and it has not expired: one of two racing submits wins."""
    result = await session.execute(
        update(PartnerAuditLink)
        .where(PartnerAuditLink.id == link_id, PartnerAuditLink.used_at.is_(None), PartnerAuditLink.expires_at > now)
        .values(used_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def links_of(session: AsyncSession, assignment_id: int) -> list[PartnerAuditLink]:
    """Every partner link made for an audit, oldest first."""
    return list(
        await session.scalars(
            select(PartnerAuditLink)
            .where(PartnerAuditLink.assignment_id == assignment_id)
            .order_by(PartnerAuditLink.created_at, PartnerAuditLink.id)
        )
    )


async def parts_of(session: AsyncSession, assignment_id: int) -> list[PartnerAuditPart]:
    """Every part returned for an audit, in the order they came back."""
    return list(
        await session.scalars(
            select(PartnerAuditPart)
            .where(PartnerAuditPart.assignment_id == assignment_id)
            .order_by(PartnerAuditPart.submitted_at, PartnerAuditPart.id)
        )
    )


def _submitted_in(start: datetime, end: datetime, team_ids: Sequence[int] | None) -> Select[tuple[int]]:
    statement = (
        select(AuditSubmission.assignment_id)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            AuditSubmission.submitted_at >= start,
            AuditSubmission.submitted_at < end,
            AuditAssignment.status != AuditStatus.CANCELLED.value,
        )
    )
    if team_ids is not None:
        statement = statement.where(AuditAssignment.team_id.in_(team_ids))
    return statement


async def submissions_in(
    session: AsyncSession, template_id: str, start: datetime, end: datetime, team_ids: Sequence[int] | None
) -> list[AuditSubmission]:
    """The submissions of ``template_id`` audits submitted in [start, end) by the given teams."""
    ids = _submitted_in(start, end, team_ids).where(AuditSubmission.template_id == template_id)
    return list(
        await session.scalars(
            select(AuditSubmission)
            .where(AuditSubmission.assignment_id.in_(ids))
            .order_by(AuditSubmission.submitted_at, AuditSubmission.id)
        )
    )


async def links_and_parts_for(
    session: AsyncSession, assignment_ids: Sequence[int]
) -> tuple[list[PartnerAuditLink], list[PartnerAuditPart]]:
    """The partner links and returned parts of several audits (for a report)."""
    if not assignment_ids:
        return [], []
    links = await session.scalars(select(PartnerAuditLink).where(PartnerAuditLink.assignment_id.in_(assignment_ids)))
    parts = await session.scalars(
        select(PartnerAuditPart)
        .where(PartnerAuditPart.assignment_id.in_(assignment_ids))
        .order_by(PartnerAuditPart.submitted_at, PartnerAuditPart.id)
    )
    return list(links), list(parts)
