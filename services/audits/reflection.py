"""The practitioner's side of an audit: their reflection (sent once, kept as a draft until then)
for the auditor to read before grading, and their comment on the final grade."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from cards import text_audits as text
from services import access_log, policy
from services.audits.loading import REFLECTION_RECORD, REFLECTION_TEMPLATE, AuditContext
from services.audits.reading import practitioner_submission, reflection_summary, submitted_view, summarise_reflection
from services.audits.voice import family_voice_of
from services.errors import InvalidInput
from services.personal_data import screen_fields
from services.policy import Permission
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import AuditReflection
from views.audits import ReflectionForm, ReflectionSummary, SubmittedAudit
from views.templates import QuestionRole, Template

MAX_COMMENT_LENGTH = 2000


def reflection_record(
    template: Template, assignment_id: int, answers: dict[str, Any], submitted_by_id: int, at: datetime
) -> AuditReflection:
    """A sent reflection as stored, with the practitioner's scaling judgement beside its answers."""
    scale = next((q.id for q in template.questions() if q.role == QuestionRole.SCALE), None)
    return AuditReflection(
        assignment_id=assignment_id,
        template_id=template.id,
        template_version=template.version,
        answers=answers,
        practitioner_scale=answers.get(scale) if scale else None,
        submitted_by_id=submitted_by_id,
        submitted_at=at,
    )


class Reflections:
    """The practitioner's reflection on an audit of their work, and their comment on its grade."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context

    async def open_reflection(self, actor_id: str, assignment_id: int) -> ReflectionForm | ReflectionSummary:
        """The reflection form with its draft, or the sent reflection; ``actor_id`` is a Teams user id."""
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            record = item.policy_record(reflection=True)
            done = summarise_reflection(self.context, item.reflection, item.assignment.case_ref)
            policy.require(actor, Permission.VIEW if done else Permission.SUBMIT, record)
            await access_log.record(session, actor, access_log.VIEW, REFLECTION_RECORD, assignment_id)
            if done:
                return done
            template = self.context.templates.get(REFLECTION_TEMPLATE)
            family = await family_voice_of(self.context, session, item)
            return ReflectionForm(
                item.summary, template, dict(item.assignment.reflection_draft), due=item.reflection_due, family=family
            )

    async def submit_reflection(
        self, actor_id: str, assignment_id: int, data: dict[str, Any]
    ) -> ReflectionForm | ReflectionSummary:
        """Send the reflection once (the form again with field errors if it needs a look);
        ``actor_id`` is the practitioner's Teams user id."""
        try:
            async with transaction(self.context.sessions) as session:
                item = await self.context.load(session, assignment_id)
                actor = await self.context.actor(session, actor_id, among=item)
                policy.require(actor, Permission.SUBMIT, item.policy_record(reflection=True))
                done = summarise_reflection(self.context, item.reflection, item.assignment.case_ref)
                if done:
                    return done
                template = self.context.templates.get(REFLECTION_TEMPLATE)
                values = {**item.assignment.reflection_draft, **answer_rules.extract(template.sections, data)}
                item.assignment.reflection_draft = values
                errors = {
                    **screen_fields(
                        values, answer_rules.free_text_ids(template.sections), allowed=[item.assignment.case_ref]
                    ),
                    **answer_rules.check(template.sections, values, today=self.context.today()),
                }
                if errors:
                    family = await family_voice_of(self.context, session, item)
                    return ReflectionForm(
                        item.summary, template, values, errors, due=item.reflection_due, family=family
                    )
                answers = answer_rules.typed(template.sections, values)
                assert actor.person_id is not None, "the policy lets only the practitioner reflect"
                session.add(
                    reflection_record(template, assignment_id, answers, actor.person_id, self.context.clock.now())
                )
                await session.flush()
                await access_log.record(session, actor, access_log.SUBMIT, REFLECTION_RECORD, assignment_id)
                summary = await reflection_summary(self.context, session, assignment_id)
                assert summary is not None
                return summary
        except IntegrityError:
            async with self.context.sessions() as session:
                summary = await reflection_summary(self.context, session, assignment_id)
                assert summary is not None
                return summary

    async def comment_on_grade(self, actor_id: str, assignment_id: int, comment: str) -> SubmittedAudit:
        """The practitioner's comment on the final grade (they may change it until moderated);
        ``actor_id`` is the practitioner's Teams user id."""
        async with transaction(self.context.sessions) as session:
            item, actor, submission = await practitioner_submission(self.context, session, actor_id, assignment_id)
            comment = comment.strip()
            errors = screen_fields({"comment": comment}, ["comment"], allowed=[item.assignment.case_ref])
            if not comment:
                errors["comment"] = text.COMMENT_NEEDED
            if len(comment) > MAX_COMMENT_LENGTH:
                errors["comment"] = text.ACTION_TOO_LONG
            if errors:
                raise InvalidInput(text.COMMENT_CHECK, errors)
            submission.practitioner_comment = comment
            submission.practitioner_commented_at = self.context.clock.now()
            await access_log.record(session, actor, access_log.CHANGE, "audit comment", assignment_id)
            return await submitted_view(self.context, session, item)
