"""Reading a submitted audit: the read-only audit (answers, grades and their moderation, actions,
the reflection) and the practitioner's reflection, as every part of the feature shows them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_audits as text
from services import access_log, policy
from services.actors import Actor
from services.audits.loading import RECORD, AuditContext, Loaded, reflection_deadline
from services.audits.partners import partner_parts
from services.audits.voice import family_voice_of
from services.errors import NotFound
from services.policy import Permission
from storage.models import ActionSource, AuditReflection, AuditStatus, AuditSubmission
from storage.repositories import actions as action_rows
from storage.repositories import audits as audit_rows
from views.audits import ActionLine, Confirmation, GradeLine, ReflectionSummary, SubmittedAudit


def action_source_ref(assignment_id: int) -> str:
    """How the actions an audit raised point back to it."""
    return f"audit:{assignment_id}"


async def checked_view(context: AuditContext, session: AsyncSession, actor: Actor, item: Loaded) -> SubmittedAudit:
    """The submitted audit for someone the policy lets read it, logged; ``NotFound`` before submission."""
    policy.require(actor, Permission.VIEW, item.policy_record())
    await access_log.record(session, actor, access_log.VIEW, RECORD, item.assignment.id)
    if item.assignment.status in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
        raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=item.assignment.case_ref))
    return await submitted_view(context, session, item)


async def practitioner_submission(
    context: AuditContext, session: AsyncSession, actor_id: str, assignment_id: int
) -> tuple[Loaded, Actor, AuditSubmission]:
    """A submitted audit, its submission and the person acting, when that is its practitioner (their
    comment, their confirmation): ``NotAllowed`` for anyone else, ``NotFound`` before submission."""
    item = await context.load(session, assignment_id)
    actor = await context.actor(session, actor_id, among=item)
    policy.require(actor, Permission.SUBMIT, item.policy_record(reflection=True))
    submission = await audit_rows.submission_of(session, assignment_id)
    if submission is None:
        raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=item.assignment.case_ref))
    return item, actor, submission


async def submitted_view(context: AuditContext, session: AsyncSession, item: Loaded) -> SubmittedAudit:
    """The audit as submitted, in the template version it was answered in (no access check)."""
    a = item.assignment
    submission = await audit_rows.submission_of(session, a.id)
    if submission is None:
        raise NotFound(text.NOT_SUBMITTED_YET.format(case_ref=a.case_ref))
    template = context.templates.get(submission.template_id, submission.template_version)
    grades = tuple(
        GradeLine(
            section_title=template.section(grade.section_id).title,
            question_id=grade.question_id,
            grade=grade.grade,
            rationale=grade.rationale,
            moderated_grade=moderation.moderated_grade if moderation else None,
            moderation_outcome=moderation.outcome if moderation else None,
            moderation_rationale=moderation.rationale if moderation else None,
            scale=template.question(grade.question_id).grade_scale,
        )
        for grade, moderation in await audit_rows.grades_with_moderation(session, submission.id)
    )
    actions = await action_rows.raised_from(session, ActionSource.AUDIT.value, action_source_ref(a.id))
    if not submission.moderation_selected:
        moderation_state = "not selected"
    elif a.status == AuditStatus.MODERATION:
        moderation_state = "awaiting moderation"
    else:
        moderation_state = "moderated"
    return SubmittedAudit(
        assignment=item.summary,
        template=template,
        answers=submission.answers,
        grades=grades,
        actions=tuple(ActionLine(x.description, name, x.due_date) for x, name in actions),
        submitted_at=submission.submitted_at,
        reflection=summarise_reflection(context, item.reflection, a.case_ref),
        partners=await partner_parts(context, session, item, submitted_at=submission.submitted_at),
        moderation=moderation_state,
        practitioner_comment=submission.practitioner_comment,
        family=await family_voice_of(context, session, item),
        without_reflection=submission.without_reflection,
        reflection_due=reflection_deadline(a),
        confirmation=confirmation_of(submission),
    )


def confirmation_of(submission: AuditSubmission) -> Confirmation | None:
    """The practitioner's confirmation of an audit done together (None when it was not)."""
    if not submission.confirmation_asked:
        return None
    return Confirmation(
        state=submission.practitioner_confirmation or "awaiting",
        disagreement=submission.practitioner_disagreement,
        answered_at=submission.practitioner_confirmed_at,
    )


async def reflection_summary(
    context: AuditContext, session: AsyncSession, assignment_id: int
) -> ReflectionSummary | None:
    """The practitioner's sent reflection on an audit, read now, or None while they have not sent
    it (an audit loaded with ``AuditContext.load`` has it already: ``summarise_reflection``)."""
    reflection = await audit_rows.reflection_of(session, assignment_id)
    if reflection is None:
        return None
    case_ref = await audit_rows.case_ref_of(session, assignment_id)
    return summarise_reflection(context, reflection, case_ref or "")


def summarise_reflection(
    context: AuditContext, reflection: AuditReflection | None, case_ref: str
) -> ReflectionSummary | None:
    """The summary of a reflection already read (None: not sent yet)."""
    if reflection is None:
        return None
    template = context.templates.get(reflection.template_id, reflection.template_version)
    return ReflectionSummary(template, reflection.answers, reflection.submitted_at, case_ref)
