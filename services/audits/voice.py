"""Reading the family's view of an audit, as every card that shows the audit needs it, and the
rule that an audit asking for it is not submitted without it or a recorded reason."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.audits.loading import AuditContext, Loaded
from services.feedback.forms import find_survey
from storage.repositories import audit_family as family_rows
from views.audit_family import FAMILY_VIEW_QUESTION, FamilyAnswer, FamilyVoice, WaitingLink
from views.templates import Template


async def family_voice_of(context: AuditContext, session: AsyncSession, item: Loaded) -> FamilyVoice | None:
    """The family's view of the audit, or None when its template does not ask for it."""
    if not item.template.family_voice:
        return None
    rows = await family_rows.family_rows(session, item.assignment.id, now=context.clock.now())
    answers = tuple(
        FamilyAnswer(template, row.answers, row.channel, row.submitted_at, row.late)
        for row in rows.answers
        # A form version removed from the library cannot be shown question by question.
        if (template := find_survey(context.templates, row.template_key, row.template_version)) is not None
    )
    waiting = tuple(
        WaitingLink(template.title, link.expires_at)
        for link in rows.waiting
        if (template := find_survey(context.templates, link.template_key, link.template_version)) is not None
    )
    reason, tries = rows.reason or (None, None)
    return FamilyVoice(answers=answers, reason=reason, tries=tries, waiting=waiting)


async def family_voice_missing(session: AsyncSession, item: Loaded) -> bool:
    """The audit asks for the family's view and has neither their answers nor a reason why not."""
    if not item.template.family_voice:
        return False
    assignment_id = item.assignment.id
    if await family_rows.has_family_answers(session, assignment_id):
        return False
    return await family_rows.reason_for(session, assignment_id) is None


def derives_family_view(template: Template) -> bool:
    """The template still holds the old one-choice family-view question beside the family step:
    its answer is taken from the step, never asked."""
    return template.family_voice and any(q.id == FAMILY_VIEW_QUESTION for q in template.questions())


def with_family_view(template: Template, values: dict[str, str], family: FamilyVoice | None) -> dict[str, str]:
    """``values`` with the family-view question answered from the family step (left out while the
    step has neither answers nor a reason); ``values`` as they are for any other template."""
    if family is None or not derives_family_view(template):
        return values
    derived = {key: value for key, value in values.items() if key != FAMILY_VIEW_QUESTION}
    if family.view_given is not None:
        derived[FAMILY_VIEW_QUESTION] = family.view_given
    return derived
