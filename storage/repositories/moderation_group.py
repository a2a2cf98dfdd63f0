"""Queries of the moderation group: who may sit in it, which audits it may moderate, its meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditAssignment,
    AuditStatus,
    AuditSubmission,
    ModerationGroupAudit,
    ModerationGroupMeeting,
    ModerationGroupMember,
    Person,
    RoleAssignment,
    ServiceArea,
    Team,
)

SUBMITTED = (AuditStatus.MODERATION.value, AuditStatus.COMPLETED.value)


@dataclass(frozen=True)
class SubmittedRow:
    assignment: AuditAssignment
    submission: AuditSubmission
    team_name: str


async def people_holding(session: AsyncSession, roles: Sequence[str]) -> list[tuple[Person, str]]:
    """Active people of the organisation holding any of ``roles``, one row per person and role (a
    Head of Service holds theirs once per service area), by name."""
    rows = await session.execute(
        select(Person, RoleAssignment.role)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.role.in_(roles), Person.active.is_(True), Person.in_organisation.is_(True))
        .order_by(Person.display_name, Person.id, RoleAssignment.role)
    )
    found: dict[tuple[int, str], tuple[Person, str]] = {}
    for person, role in rows.all():
        found.setdefault((person.id, role), (person, role))
    return list(found.values())


async def submitted_audits(
    session: AsyncSession,
    *,
    since: date | None = None,
    until: date | None = None,
    service_area_id: int | None = None,
    limit: int | None = None,
) -> list[SubmittedRow]:
    """Submitted audits (awaiting moderation or completed), the latest submitted first; ``since`` and
    ``until`` are inclusive days (UTC), ``service_area_id`` the area of the audited team."""
    query = (
        select(AuditAssignment, AuditSubmission, Team.name)
        .join(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
        .outerjoin(Team, Team.id == AuditAssignment.team_id)
        .where(AuditAssignment.status.in_(SUBMITTED))
        .order_by(AuditSubmission.submitted_at.desc(), AuditAssignment.id.desc())
    )
    if since is not None:
        query = query.where(AuditSubmission.submitted_at >= datetime.combine(since, time(), UTC))
    if until is not None:
        query = query.where(AuditSubmission.submitted_at < datetime.combine(until + timedelta(days=1), time(), UTC))
    if service_area_id is not None:
        query = query.where(Team.service_area_id == service_area_id)
    if limit is not None:
        query = query.limit(limit)
    rows = await session.execute(query)
    return [SubmittedRow(a, s, name or "") for a, s, name in rows.all()]


async def active_areas(session: AsyncSession) -> list[ServiceArea]:
    return list(
        await session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name))
    )


async def members_of(session: AsyncSession, meeting_id: int) -> list[tuple[ModerationGroupMember, str]]:
    """The meeting's members with their names, by name."""
    rows = await session.execute(
        select(ModerationGroupMember, Person.display_name)
        .join(Person, Person.id == ModerationGroupMember.person_id)
        .where(ModerationGroupMember.meeting_id == meeting_id)
        .order_by(Person.display_name, Person.id)
    )
    return [(member, name) for member, name in rows.all()]


async def audits_of(session: AsyncSession, meeting_id: int) -> list[ModerationGroupAudit]:
    return list(
        await session.scalars(
            select(ModerationGroupAudit)
            .where(ModerationGroupAudit.meeting_id == meeting_id)
            .order_by(ModerationGroupAudit.id)
        )
    )


async def listed_audit(session: AsyncSession, meeting_id: int, assignment_id: int) -> ModerationGroupAudit | None:
    return await session.scalar(
        select(ModerationGroupAudit).where(
            ModerationGroupAudit.meeting_id == meeting_id, ModerationGroupAudit.assignment_id == assignment_id
        )
    )


async def meetings_for(session: AsyncSession, person_id: int | None, *, limit: int) -> list[ModerationGroupMeeting]:
    """The latest meetings ``person_id`` sits in (None: every meeting, for the QA lead)."""
    query = select(ModerationGroupMeeting).order_by(
        ModerationGroupMeeting.meets_on.desc(), ModerationGroupMeeting.id.desc()
    )
    if person_id is not None:
        query = query.join(ModerationGroupMember, ModerationGroupMember.meeting_id == ModerationGroupMeeting.id).where(
            ModerationGroupMember.person_id == person_id
        )
    return list(await session.scalars(query.limit(limit)))


async def latest_meeting(session: AsyncSession) -> ModerationGroupMeeting | None:
    return await session.scalar(
        select(ModerationGroupMeeting).order_by(ModerationGroupMeeting.meets_on.desc()).limit(1)
    )


async def meeting_by_key(session: AsyncSession, key: str) -> ModerationGroupMeeting | None:
    return await session.scalar(select(ModerationGroupMeeting).where(ModerationGroupMeeting.submission_key == key))


async def closed_between(
    session: AsyncSession, since: date, until: date
) -> list[tuple[ModerationGroupMeeting, list[ModerationGroupAudit]]]:
    """Meetings held (closed) between ``since`` and ``until`` inclusive, with the audits on their lists
    (one query: the meetings outer-joined to their audits, grouped here)."""
    rows = await session.execute(
        select(ModerationGroupMeeting, ModerationGroupAudit)
        .outerjoin(ModerationGroupAudit, ModerationGroupAudit.meeting_id == ModerationGroupMeeting.id)
        .where(
            ModerationGroupMeeting.closed_at.is_not(None),
            ModerationGroupMeeting.meets_on >= since,
            ModerationGroupMeeting.meets_on <= until,
        )
        .order_by(ModerationGroupMeeting.meets_on, ModerationGroupMeeting.id, ModerationGroupAudit.id)
    )
    by_meeting: dict[int, tuple[ModerationGroupMeeting, list[ModerationGroupAudit]]] = {}
    for meeting, audit in rows:
        _, audits = by_meeting.setdefault(meeting.id, (meeting, []))
        if audit is not None:
            audits.append(audit)
    return list(by_meeting.values())


async def listed_assignment_ids(session: AsyncSession) -> set[int]:
    """Audits already on some meeting's list (a group moderates each audit once)."""
    return set(await session.scalars(select(ModerationGroupAudit.assignment_id)))


async def claim_outcome(session: AsyncSession, listed_id: int, values: dict[str, Any]) -> bool:
    """Record an audit's outcome only while it has none and its meeting is open: a conditional
    UPDATE, so of two members saving at the same moment one wins and the other is told."""
    meeting_closed = exists().where(
        ModerationGroupMeeting.id == ModerationGroupAudit.meeting_id, ModerationGroupMeeting.closed_at.is_not(None)
    )
    result = await session.execute(
        update(ModerationGroupAudit)
        .where(ModerationGroupAudit.id == listed_id, ModerationGroupAudit.agreed_grade.is_(None), ~meeting_closed)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def claim_close(session: AsyncSession, meeting_id: int, values: dict[str, Any]) -> bool:
    """Close a meeting only while it is open (a conditional UPDATE: one closing wins)."""
    result = await session.execute(
        update(ModerationGroupMeeting)
        .where(ModerationGroupMeeting.id == meeting_id, ModerationGroupMeeting.closed_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
