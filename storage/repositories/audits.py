"""Queries for collaborative audits: assignments with their people, submissions, grades,
moderation, reflections, escalations and the lists behind 'my tasks' and 'team audits'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AuditAssignment,
    AuditEscalation,
    AuditGrade,
    AuditModeration,
    AuditReflection,
    AuditRound,
    AuditStatus,
    AuditSubmission,
    Person,
    Role,
    RoleAssignment,
    Team,
)

OPEN_STATUSES = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class AssignmentRows:
    """An assignment with the rows every decision about it reads, fetched in one query."""

    assignment: AuditAssignment
    round: AuditRound
    team: Team | None
    practitioner: Person
    auditor: Person
    reflection: AuditReflection | None
    """The practitioner's reflection on the audit, once sent (at most one per audit)."""


_PRACTITIONER = aliased(Person, name="practitioner")
_AUDITOR = aliased(Person, name="auditor")
_ASSIGNMENT_WITH_PEOPLE = (
    select(AuditAssignment, AuditRound, Team, _PRACTITIONER, _AUDITOR, AuditReflection)
    .join(AuditRound, AuditRound.id == AuditAssignment.round_id)
    .join(_PRACTITIONER, _PRACTITIONER.id == AuditAssignment.practitioner_id)
    .join(_AUDITOR, _AUDITOR.id == AuditAssignment.auditor_id)
    .outerjoin(Team, Team.id == AuditAssignment.team_id)
    .outerjoin(AuditReflection, AuditReflection.assignment_id == AuditAssignment.id)
)
"""Built once: a fresh ``aliased(Person)`` per call rebuilt both aliases' column collections
on every audit action (about a millisecond of CPU each time, for the same SQL)."""


async def assignment_with_people(session: AsyncSession, assignment_id: int) -> AssignmentRows | None:
    """The assignment, its round, team, practitioner, auditor and reflection (one joined query), or None."""
    row = (await session.execute(_ASSIGNMENT_WITH_PEOPLE.where(AuditAssignment.id == assignment_id))).first()
    if row is None:
        return None
    assignment, audit_round, team, practitioner_row, auditor_row, reflection = row
    return AssignmentRows(assignment, audit_round, team, practitioner_row, auditor_row, reflection)


# Rounds


async def manager_emails_by_team(session: AsyncSession) -> dict[str, str]:
    """Active teams' managers' e-mails by the team's name in lower case."""
    rows = await session.execute(
        select(Team.name, Person.email).join(Person, Person.id == Team.manager_id).where(Team.active.is_(True))
    )
    return {name.lower(): email for name, email in rows if email}


async def case_refs_audited_since(session: AsyncSession, since: datetime) -> set[str]:
    return set(await session.scalars(select(AuditAssignment.case_ref).where(AuditAssignment.created_at >= since)))


async def team_by_name(session: AsyncSession, name: str) -> Team | None:
    return await session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))


async def active_person_by_email(session: AsyncSession, email: str) -> Person | None:
    if not email:
        return None
    return await session.scalar(
        select(Person).where(func.lower(Person.email) == email.strip().lower(), Person.active.is_(True))
    )


async def round_from_source(session: AsyncSession, source: str) -> int | None:
    """The id of a round started from ``source`` (e.g. the demo), if any."""
    return await session.scalar(select(AuditRound.id).where(AuditRound.source == source))


# People to tell


async def active_people_with_role(session: AsyncSession, role: Role) -> list[int]:
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .join(Person, Person.id == RoleAssignment.person_id)
            .where(RoleAssignment.role == role.value, Person.active.is_(True))
            .order_by(RoleAssignment.person_id)
        )
    )


async def escalation_exists(session: AsyncSession, assignment_id: int, question_id: str) -> bool:
    found = await session.scalar(
        select(AuditEscalation.id).where(
            AuditEscalation.assignment_id == assignment_id, AuditEscalation.question_id == question_id
        )
    )
    return found is not None


# Submissions, grades and moderation


async def submission_of(session: AsyncSession, assignment_id: int) -> AuditSubmission | None:
    return await session.scalar(select(AuditSubmission).where(AuditSubmission.assignment_id == assignment_id))


async def grades_of(session: AsyncSession, submission_id: int) -> list[AuditGrade]:
    return list(await session.scalars(select(AuditGrade).where(AuditGrade.submission_id == submission_id)))


async def grades_with_moderation(
    session: AsyncSession, submission_id: int
) -> Sequence[tuple[AuditGrade, AuditModeration | None]]:
    """Each grade of a submission in order, with its moderation if it has one."""
    rows = await session.execute(
        select(AuditGrade, AuditModeration)
        .outerjoin(AuditModeration, AuditModeration.grade_id == AuditGrade.id)
        .where(AuditGrade.submission_id == submission_id)
        .order_by(AuditGrade.id)
    )
    return [(grade, moderation) for grade, moderation in rows]


async def moderation_waiting_counts(session: AsyncSession) -> dict[int | None, int]:
    """How many audits wait for moderation, by moderator (None: nobody assigned)."""
    rows = await session.execute(
        select(AuditAssignment.moderator_id, func.count())
        .where(AuditAssignment.status == AuditStatus.MODERATION.value)
        .group_by(AuditAssignment.moderator_id)
    )
    return {moderator_id: count for moderator_id, count in rows}


def _waiting_without_moderator() -> tuple[ColumnElement[bool], ...]:
    return (AuditAssignment.status == AuditStatus.MODERATION.value, AuditAssignment.moderator_id.is_(None))


async def waiting_without_moderator(session: AsyncSession) -> list[AuditAssignment]:
    """Audits selected for moderation that nobody is assigned to, oldest first."""
    return list(
        await session.scalars(select(AuditAssignment).where(*_waiting_without_moderator()).order_by(AuditAssignment.id))
    )


async def claim_for_moderator(session: AsyncSession, assignment_id: int, moderator_id: int) -> bool:
    """Assign the moderator only while nobody is (a conditional UPDATE): True for the one caller that won."""
    won = await session.execute(
        update(AuditAssignment)
        .where(AuditAssignment.id == assignment_id, *_waiting_without_moderator())
        .values(moderator_id=moderator_id)
        .execution_options(synchronize_session=False)
    )
    return won.rowcount == 1  # type: ignore[attr-defined]


# Reflections


async def reflection_of(session: AsyncSession, assignment_id: int) -> AuditReflection | None:
    return await session.scalar(select(AuditReflection).where(AuditReflection.assignment_id == assignment_id))


async def case_ref_of(session: AsyncSession, assignment_id: int) -> str | None:
    return await session.scalar(select(AuditAssignment.case_ref).where(AuditAssignment.id == assignment_id))


# My tasks and team audits


async def open_audits_of_auditor(session: AsyncSession, person_id: int) -> list[AuditAssignment]:
    return list(
        await session.scalars(
            select(AuditAssignment)
            .where(AuditAssignment.auditor_id == person_id, AuditAssignment.status.in_(OPEN_STATUSES))
            .order_by(AuditAssignment.due_date, AuditAssignment.id)
        )
    )


async def unreflected_audits_of_practitioner(session: AsyncSession, person_id: int) -> list[AuditAssignment]:
    """The practitioner's audits (not cancelled) they have not yet reflected on."""
    return list(
        await session.scalars(
            select(AuditAssignment)
            .where(
                AuditAssignment.practitioner_id == person_id,
                AuditAssignment.status != AuditStatus.CANCELLED.value,
                AuditAssignment.id.not_in(select(AuditReflection.assignment_id)),
            )
            .order_by(AuditAssignment.due_date, AuditAssignment.id)
        )
    )


async def awaiting_moderation_by(session: AsyncSession, moderator_id: int) -> list[AuditAssignment]:
    return list(
        await session.scalars(
            select(AuditAssignment)
            .where(
                AuditAssignment.moderator_id == moderator_id,
                AuditAssignment.status == AuditStatus.MODERATION.value,
            )
            .order_by(AuditAssignment.id)
        )
    )


@dataclass(frozen=True)
class TeamAuditRow:
    assignment: AuditAssignment
    team_name: str
    auditor_name: str
    overall_grade: str | None
    """The moderated overall grade if moderated, else the auditor's (None before submission)."""


async def team_audit_rows(session: AsyncSession, *, team_ids: Sequence[int] | None, limit: int) -> list[TeamAuditRow]:
    """Audits that are not cancelled (of ``team_ids``, or of every team for None), latest due first."""
    overall = aliased(AuditGrade)
    query = (
        select(
            AuditAssignment,
            Team.name,
            Person.display_name,
            func.coalesce(AuditModeration.moderated_grade, overall.grade),
        )
        .join(Team, Team.id == AuditAssignment.team_id)
        .join(Person, Person.id == AuditAssignment.auditor_id)
        .outerjoin(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
        .outerjoin(overall, (overall.submission_id == AuditSubmission.id) & overall.is_overall.is_(True))
        .outerjoin(AuditModeration, AuditModeration.grade_id == overall.id)
        .where(AuditAssignment.status != AuditStatus.CANCELLED.value)
    )
    if team_ids is not None:
        query = query.where(AuditAssignment.team_id.in_(list(team_ids)))
    rows = await session.execute(
        query.order_by(AuditAssignment.due_date.desc(), AuditAssignment.id.desc()).limit(limit)
    )
    return [TeamAuditRow(a, team, auditor, grade) for a, team, auditor, grade in rows]


async def unconfirmed_audits_of_practitioner(session: AsyncSession, person_id: int) -> list[AuditAssignment]:
    """The practitioner's audits done together that wait for them to confirm the findings and actions."""
    return list(
        await session.scalars(
            select(AuditAssignment)
            .join(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
            .where(
                AuditAssignment.practitioner_id == person_id,
                AuditSubmission.confirmation_asked.is_(True),
                AuditSubmission.practitioner_confirmation.is_(None),
            )
            .order_by(AuditSubmission.submitted_at, AuditAssignment.id)
        )
    )
