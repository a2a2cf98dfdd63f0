"""Queries for practice days: the plan and its pairs, the days due to start or close, and what a
day's audits found (grades, themes, what went well, actions) for its summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AREA_ROLES,
    Action,
    ActionSource,
    AuditAssignment,
    AuditGrade,
    AuditModeration,
    AuditSubmission,
    Person,
    PracticeDay,
    PracticeDayCase,
    PracticeDayStatus,
    RoleAssignment,
    ServiceArea,
    Team,
)


@dataclass(frozen=True)
class CaseRow:
    """A planned pair with what the round needs (team name, e-mails) and the cards show (names)."""

    case: PracticeDayCase
    team_name: str
    practitioner: Person
    auditor: Person


async def active_areas(session: AsyncSession) -> list[ServiceArea]:
    return list(
        await session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name))
    )


async def teams_of_area(session: AsyncSession, service_area_id: int) -> set[int]:
    return set(await session.scalars(select(Team.id).where(Team.service_area_id == service_area_id)))


async def auditor_candidates(session: AsyncSession, limit: int) -> list[tuple[Person, str | None]]:
    """Active members of the organisation with their team's name, by name (the plan card's choices)."""
    rows = await session.execute(
        select(Person, Team.name)
        .outerjoin(Team, Team.id == Person.team_id)
        .where(Person.active.is_(True), Person.in_organisation.is_(True))
        .order_by(func.lower(Person.display_name), Person.id)
        .limit(limit)
    )
    return [(person, team) for person, team in rows]


async def active_members_by_email(session: AsyncSession, emails: Sequence[str]) -> dict[str, Person]:
    """Active members of the organisation by their e-mail in lower case."""
    people = await session.scalars(
        select(Person).where(
            func.lower(Person.email).in_([email.lower() for email in emails]),
            Person.active.is_(True),
            Person.in_organisation.is_(True),
        )
    )
    return {(person.email or "").lower(): person for person in people}


async def active_members(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, Person]:
    people = await session.scalars(
        select(Person).where(Person.id.in_(person_ids), Person.active.is_(True), Person.in_organisation.is_(True))
    )
    return {person.id: person for person in people}


async def managed_teams(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, set[int]]:
    """The teams each of these people manages."""
    found: dict[int, set[int]] = {}
    for team_id, manager_id in await session.execute(
        select(Team.id, Team.manager_id).where(Team.manager_id.in_(person_ids))
    ):
        found.setdefault(manager_id, set()).add(team_id)
    return found


async def day_on(session: AsyncSession, service_area_id: int, held_on: date) -> PracticeDay | None:
    return await session.scalar(
        select(PracticeDay).where(PracticeDay.service_area_id == service_area_id, PracticeDay.held_on == held_on)
    )


async def case_rows(session: AsyncSession, day_id: int) -> list[CaseRow]:
    practitioner, auditor = aliased(Person), aliased(Person)
    rows = await session.execute(
        select(PracticeDayCase, Team.name, practitioner, auditor)
        .join(Team, Team.id == PracticeDayCase.team_id)
        .join(practitioner, practitioner.id == PracticeDayCase.practitioner_id)
        .join(auditor, auditor.id == PracticeDayCase.auditor_id)
        .where(PracticeDayCase.practice_day_id == day_id)
        .order_by(PracticeDayCase.id)
    )
    return [CaseRow(case, team, p, a) for case, team, p, a in rows]


async def days_with_status(session: AsyncSession, status: PracticeDayStatus, *, until: date) -> list[PracticeDay]:
    """Days in ``status`` held on or before ``until``, oldest first."""
    return list(
        await session.scalars(
            select(PracticeDay)
            .where(PracticeDay.status == status.value, PracticeDay.held_on <= until)
            .order_by(PracticeDay.held_on, PracticeDay.id)
        )
    )


async def latest_days(
    session: AsyncSession, *, area_ids: Sequence[int] | None, planner_id: int | None, limit: int
) -> list[PracticeDay]:
    """The latest practice days of these areas or planned by ``planner_id`` (``area_ids`` None:
    every area), latest first."""
    query = select(PracticeDay).order_by(PracticeDay.held_on.desc(), PracticeDay.id.desc()).limit(limit)
    if area_ids is not None:
        query = query.where(or_(PracticeDay.service_area_id.in_(area_ids), PracticeDay.planned_by_id == planner_id))
    return list(await session.scalars(query))


async def case_counts(session: AsyncSession, day_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(
        select(PracticeDayCase.practice_day_id, func.count())
        .where(PracticeDayCase.practice_day_id.in_(day_ids))
        .group_by(PracticeDayCase.practice_day_id)
    )
    return {day_id: count for day_id, count in rows}


async def move(session: AsyncSession, day_id: int, from_status: PracticeDayStatus, **values: Any) -> bool:
    """Move a day on from ``from_status`` by one conditional update: True for the one caller that
    did it (two instances, or a retried job, never both start or close the same day)."""
    result = await session.execute(
        update(PracticeDay)
        .where(PracticeDay.id == day_id, PracticeDay.status == from_status.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def round_audits(session: AsyncSession, round_id: int) -> list[tuple[AuditAssignment, str]]:
    """The round's audits with their auditors' names, in the order they were created."""
    rows = await session.execute(
        select(AuditAssignment, Person.display_name)
        .join(Person, Person.id == AuditAssignment.auditor_id)
        .where(AuditAssignment.round_id == round_id)
        .order_by(AuditAssignment.id)
    )
    return [(assignment, name) for assignment, name in rows]


async def submitted_answers(session: AsyncSession, assignment_ids: Sequence[int]) -> list[dict[str, Any]]:
    return list(
        await session.scalars(
            select(AuditSubmission.answers)
            .where(AuditSubmission.assignment_id.in_(assignment_ids))
            .order_by(AuditSubmission.id)
        )
    )


async def final_grades(session: AsyncSession, assignment_ids: Sequence[int]) -> list[tuple[str, bool, str]]:
    """(section id, is overall, grade) of every grade the audits gave; a moderated grade replaces
    the auditor's, as in the digest."""
    rows = await session.execute(
        select(AuditGrade.section_id, AuditGrade.is_overall, AuditGrade.grade, AuditModeration.moderated_grade)
        .join(AuditSubmission, AuditSubmission.id == AuditGrade.submission_id)
        .outerjoin(AuditModeration, AuditModeration.grade_id == AuditGrade.id)
        .where(AuditSubmission.assignment_id.in_(assignment_ids))
    )
    return [(section, overall, moderated or grade) for section, overall, grade, moderated in rows]


async def actions_raised(session: AsyncSession, source_refs: dict[str, str]) -> list[tuple[Action, str, str]]:
    """(action, owner's name, case reference) of the actions the audits raised; ``source_refs``
    maps each audit's action source reference to its case reference."""
    rows = await session.execute(
        select(Action, Person.display_name)
        .join(Person, Person.id == Action.owner_id)
        .where(Action.source == ActionSource.AUDIT.value, Action.source_ref.in_(list(source_refs)))
        .order_by(Action.id)
    )
    return [(action, name, source_refs[action.source_ref or ""]) for action, name in rows]


async def area_leaders(session: AsyncSession, service_area_id: int) -> list[int]:
    """Active senior managers and Heads of Service of the area."""
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .join(Person, Person.id == RoleAssignment.person_id)
            .where(
                RoleAssignment.service_area_id == service_area_id,
                RoleAssignment.role.in_([role.value for role in AREA_ROLES]),
                Person.active.is_(True),
            )
            .distinct()
            .order_by(RoleAssignment.person_id)
        )
    )
