"""Submitting an audit: stored once whatever the clicks and retries, with its grades and the
actions it raises; the moderation rule decides whether a moderator looks at it and, if so, who.
After the transaction the auditor's card becomes the read-only audit and the moderator (or the
practitioner, when it is not moderated) is told."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import audit as audit_cards
from cards import text_audits as text
from cards.base import long_date
from services import access_log, policy
from services.actions import NewAction, add_action
from services.actors import Actor
from services.audits.answering import clamp, extract, first_page_with_errors, page_view
from services.audits.family import refuse_without_family_voice
from services.audits.loading import RECORD, Alert, AuditContext, Loaded, reflection_deadline
from services.audits.moderation import Moderation
from services.audits.reading import action_source_ref, submitted_view
from services.audits.voice import family_voice_missing, family_voice_of, with_family_view
from services.policy import Permission
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import ActionSource, AuditGrade, AuditStatus, AuditSubmission
from storage.repositories import audits as audit_rows
from views.audits import MAX_ACTIONS, AuditPage, ConfirmationForm, SubmittedAudit, action_ids
from views.templates import QuestionRole, QuestionType

MAX_KEY_LENGTH = 80
"""The idempotency key column's size."""


class Submissions:
    """The auditor submitting the audit they were assigned."""

    def __init__(self, context: AuditContext, moderation: Moderation) -> None:
        self.context = context
        self._moderation = moderation

    async def submit(
        self, actor_id: str, assignment_id: int, *, data: dict[str, Any], idempotency_key: str
    ) -> AuditPage | SubmittedAudit:
        """Store the audit once. A double click or a retried invoke gets the same read-only audit.
        ``actor_id`` is the auditor's Teams user id."""
        try:
            return await self._submit_once(actor_id, assignment_id, data, idempotency_key)
        except IntegrityError:
            # Another request for the same assignment won the race: show what it stored.
            async with self.context.sessions() as session:
                item = await self.context.load(session, assignment_id)
                return await submitted_view(self.context, session, item)

    async def _submit_once(
        self, actor_id: str, assignment_id: int, data: dict[str, Any], idempotency_key: str
    ) -> AuditPage | SubmittedAudit:
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            a = item.assignment
            if await audit_rows.submission_of(session, a.id) is not None:
                return await submitted_view(self.context, session, item)
            page = clamp(item.template, int(data.get("page", a.draft_page) or 0))
            family = await family_voice_of(self.context, session, item)
            a.draft = with_family_view(item.template, {**a.draft, **extract(item.template, page, data)}, family)
            a.draft_saved_at = self.context.clock.now()
            problems = first_page_with_errors(item, a.draft, today=self.context.today())
            if problems:
                a.draft_page, errors = problems
                await access_log.record(session, actor, "submit refused", RECORD, a.id, {"page": a.draft_page})
                return await page_view(self.context, session, item, a.draft_page, errors, notice=text.FIX_BEFORE_SUBMIT)
            if await family_voice_missing(session, item):
                return await refuse_without_family_voice(self.context, session, actor, item)
            reflection_sent = item.reflection is not None
            if not reflection_sent and not self.context.reflection_overdue(a):
                return await self._wait_for_reflection(session, actor, item)
            submission = await self._store(
                session, actor, item, idempotency_key, without_reflection=not reflection_sent
            )
            await access_log.record(session, actor, access_log.SUBMIT, RECORD, a.id, {"submission": submission.id})
            alerts: list[Alert] = []
            if a.status == AuditStatus.MODERATION and a.moderator_id is None:
                alerts = await self._moderation.moderator_needed_alerts(session, item, submission)
                await access_log.record(
                    session, actor, "no moderator", RECORD, a.id, {"to": [person for person, _, _ in alerts]}
                )
            view = await submitted_view(self.context, session, item)
            reference = (a.auditor_message or {}).get("reference")
            moderator_id = a.moderator_id
        await self._after_submission(view, reference, moderator_id, item)
        await self.context.send(alerts)
        return view

    async def _wait_for_reflection(self, session: AsyncSession, actor: Actor, item: Loaded) -> AuditPage:
        """The review page again, saying the practitioner's reflection comes first: the auditor reads
        it before grading, until its deadline passes. The draft is kept as it is."""
        a = item.assignment
        a.draft_page = len(item.template.sections) + 1
        await access_log.record(session, actor, "submit refused", RECORD, a.id, {"waiting for": "reflection"})
        notice = text.WAITING_FOR_REFLECTION.format(due=long_date(reflection_deadline(a)))
        return await page_view(self.context, session, item, a.draft_page, {}, notice=notice)

    async def _store(
        self, session: AsyncSession, actor: Actor, item: Loaded, idempotency_key: str, *, without_reflection: bool
    ) -> AuditSubmission:
        """The submission, its grades and actions; the audit goes to moderation or is completed.
        Where audits are done together, the practitioner is then asked to confirm it."""
        a, template = item.assignment, item.template
        answers = answer_rules.typed(template.sections, a.draft)
        overall = template.overall_grade_question
        overall_grade = answers.get(overall.id) if overall else None
        graded = [
            (answers[q.id], q.grade_scale)
            for q in template.questions()
            if q.type == QuestionType.GRADE and q.id in answers
        ]
        reason = self._moderation.rule.reason_to_moderate(graded) if template.moderated else None
        now = self.context.clock.now()
        submission = AuditSubmission(
            assignment_id=a.id,
            idempotency_key=idempotency_key[:MAX_KEY_LENGTH] or f"audit-{a.id}",
            template_id=template.id,
            template_version=template.version,
            answers=answers,
            overall_grade=overall_grade,
            submitted_by_id=actor.person_id,
            submitted_at=now,
            moderation_selected=reason is not None,
            moderation_reason=reason,
            without_reflection=without_reflection,
            confirmation_asked=self.context.done_together,
        )
        session.add(submission)
        await session.flush()
        for section in template.sections:
            for question in section.questions:
                if question.role in (QuestionRole.SECTION_GRADE, QuestionRole.OVERALL_GRADE) and question.id in answers:
                    session.add(
                        AuditGrade(
                            submission_id=submission.id,
                            section_id=section.id,
                            question_id=question.id,
                            is_overall=question.role == QuestionRole.OVERALL_GRADE,
                            grade=answers[question.id],
                            rationale=answers.get(answer_rules.rationale_id(question)),
                        )
                    )
        for row in range(1, MAX_ACTIONS + 1):
            what_id, owner_id, due_id = action_ids(row)
            if a.draft.get(what_id):
                await add_action(
                    session,
                    NewAction(
                        source=ActionSource.AUDIT,
                        source_ref=action_source_ref(a.id),
                        description=a.draft[what_id],
                        owner_id=int(a.draft[owner_id]),
                        due_date=date.fromisoformat(a.draft[due_id]),
                        case_reference=a.case_ref,
                    ),
                    created_by_id=actor.person_id,
                    now=now,
                )
        if reason is not None:
            a.status = AuditStatus.MODERATION.value
            a.moderator_id = await self._moderation.choose_moderator(session, item)
        else:
            a.status = AuditStatus.COMPLETED.value
        await session.flush()
        return submission

    async def _after_submission(
        self, view: SubmittedAudit, reference: str | None, moderator_id: int | None, item: Loaded
    ) -> None:
        """The auditor's card becomes the read-only audit; the moderator gets theirs, or the
        practitioner the outcome when no moderator looks at it."""
        notifier = self.context.notifier
        if reference:
            await notifier.update_card(reference, audit_cards.submitted_card(view, viewer="auditor"))
        a = item.assignment
        if moderator_id is not None:
            await self._moderation.send_moderation_card(moderator_id, view, a.id)
        elif view.moderation == "not selected":
            await notifier.send_card(a.practitioner_id, audit_cards.outcome_card(view), key=f"audit-{a.id}-outcome")
        if view.confirmation is not None:
            await notifier.send_card(
                a.practitioner_id,
                audit_cards.confirmation_card(ConfirmationForm(view)),
                key=f"audit-{a.id}-confirm",
            )
