"""Write audit results, feedback and actions straight into the tables the digest reads.

For the demo (``python -m qop demo load``) and for tests that need hand-computed numbers; real
records come through the audit, feedback and action services. Nothing here is used in a turn.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.audits.moderation import outcome_of
from services.templates import TemplateLibrary
from storage.models import (
    Action,
    AuditAssignment,
    AuditGrade,
    AuditModeration,
    AuditRound,
    AuditStatus,
    AuditSubmission,
    FeedbackResponse,
)
from views.actions import ActionStatus
from views.templates import GradeScale

STANDARD_TEMPLATE = "standard-collaborative-audit"
STAGES = ("contact_referral", "basic_information", "assessment", "planning", "review", "management_oversight")


@dataclass
class AuditResult:
    team_id: int
    practitioner_id: int
    auditor_id: int
    submitted_at: datetime | None
    due_date: date
    overall: str | None = None
    stages: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    moderated_to: str | None = None
    moderator_id: int | None = None
    case_ref: str | None = None
    cancelled: bool = False
    template_id: str = STANDARD_TEMPLATE
    """The template of the audit's round (a themed audit, a dip sample...)."""
    template_version: int = 1


@lru_cache(maxsize=8)
def _grade_scale(template_id: str) -> GradeScale:
    """The grade scale of the shipped template (version 1) these sample audits answer."""
    question = TemplateLibrary.from_folder().get(template_id, 1).overall_grade_question
    assert question is not None and question.grade_scale is not None, f"{template_id} v1 has no overall grade"
    return question.grade_scale


async def add_round(
    session: AsyncSession,
    *,
    title: str,
    due_date: date,
    created_by_id: int | None,
    template_id: str = STANDARD_TEMPLATE,
) -> int:
    audit_round = AuditRound(
        template_id=template_id,
        template_version=1,
        title=title,
        due_date=due_date,
        source="sampling",
        created_by_id=created_by_id,
    )
    session.add(audit_round)
    await session.flush()
    return audit_round.id


async def add_audit(session: AsyncSession, round_id: int, result: AuditResult) -> int:
    """One assignment, and when ``submitted_at`` is set its submission, grades and moderation."""
    status = AuditStatus.CANCELLED if result.cancelled else AuditStatus.ASSIGNED
    if result.submitted_at is not None and not result.cancelled:
        status = AuditStatus.COMPLETED
    assignment = AuditAssignment(
        round_id=round_id,
        case_ref=result.case_ref or f"C{uuid.uuid4().int % 10**8:08d}",
        team_id=result.team_id,
        practitioner_id=result.practitioner_id,
        auditor_id=result.auditor_id,
        status=status.value,
        due_date=result.due_date,
    )
    session.add(assignment)
    await session.flush()
    if result.submitted_at is not None:
        await add_submission(session, assignment.id, result)
    return assignment.id


async def add_submission(session: AsyncSession, assignment_id: int, result: AuditResult) -> None:
    """The submission of an assignment (``result.submitted_at`` set): answers, grades and moderation."""
    assert result.submitted_at is not None
    answers = {**{f"{stage}_grade": grade for stage, grade in result.stages.items()}, **result.answers}
    if result.overall:
        answers["overall_grade"] = result.overall
    submission = AuditSubmission(
        assignment_id=assignment_id,
        idempotency_key=uuid.uuid4().hex,
        template_id=result.template_id,
        template_version=result.template_version,
        answers=answers,
        overall_grade=result.overall,
        submitted_by_id=result.auditor_id,
        submitted_at=result.submitted_at,
        moderation_selected=result.moderated_to is not None,
    )
    session.add(submission)
    await session.flush()
    grades = [
        AuditGrade(submission_id=submission.id, section_id=s, question_id=f"{s}_grade", grade=g)
        for s, g in result.stages.items()
    ]
    overall = None
    if result.overall:
        overall = AuditGrade(
            submission_id=submission.id,
            section_id="overall",
            question_id="overall_grade",
            is_overall=True,
            grade=result.overall,
        )
        grades.append(overall)
    session.add_all(grades)
    await session.flush()
    if overall is not None and result.moderated_to is not None:
        outcome = outcome_of(overall.grade, result.moderated_to, _grade_scale(result.template_id))
        session.add(
            AuditModeration(
                grade_id=overall.id,
                original_grade=result.overall or "",
                moderated_grade=result.moderated_to,
                outcome=outcome.value,
                moderator_id=result.moderator_id or result.auditor_id,
                moderated_at=result.submitted_at + timedelta(days=1),
            )
        )


async def add_feedback(
    session: AsyncSession,
    *,
    template_key: str,
    answers: dict[str, Any],
    submitted_at: datetime,
    worker_id: int | None = None,
    group_team_id: int | None = None,
    channel: str = "link",
    assignment_id: int | None = None,
) -> str:
    response = FeedbackResponse(
        id=uuid.uuid4().hex,
        template_key=template_key,
        template_version=1,
        worker_id=worker_id,
        group_team_id=group_team_id,
        channel=channel,
        answers=answers,
        submitted_at=submitted_at,
        assignment_id=assignment_id,
    )
    session.add(response)
    await session.flush()
    return response.id


async def add_action(
    session: AsyncSession,
    *,
    owner_id: int,
    description: str,
    created_at: datetime,
    due_date: date,
    completed_at: datetime | None = None,
    impact: str | None = None,
    impact_at: datetime | None = None,
    case_reference: str | None = None,
    source_ref: str | None = None,
) -> int:
    action = Action(
        source="audit",
        source_ref=source_ref,
        description=description,
        case_reference=case_reference,
        owner_id=owner_id,
        due_date=due_date,
        status=ActionStatus.DONE.value if completed_at else ActionStatus.OPEN.value,
        completed_at=completed_at,
        completion_evidence="Done" if completed_at else None,
        impact_answer=impact,
        impact_reviewed_at=impact_at,
        created_at=created_at,
    )
    session.add(action)
    await session.flush()
    return action.id
