"""Audits done together (an organisation setting): after the auditor submits, the practitioner
confirms the findings and actions on their own card, or says what they disagree with. Their answer
is recorded once and shown on the read-only audit; the grades stay the auditor's (and a
moderator's), whatever the card sends."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_audits as text
from services import access_log
from services.actors import Actor
from services.audits.loading import RECORD, AuditContext, Loaded
from services.audits.reading import practitioner_submission, submitted_view
from services.errors import NotAllowed
from services.personal_data import screen_fields
from storage.db import transaction
from storage.models import AuditSubmission
from views.audits import ConfirmationForm, SubmittedAudit

CONFIRMATION_RECORD = "audit confirmation"
MAX_DISAGREEMENT_LENGTH = 2000
ANSWERS = ("confirmed", "disagreed")


class Confirmations:
    """The practitioner's confirmation of an audit done together."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context

    async def open_confirmation(self, actor_id: str, assignment_id: int) -> ConfirmationForm | SubmittedAudit:
        """The confirmation card, or the read-only audit once answered; ``actor_id`` is the
        practitioner's Teams user id."""
        async with transaction(self.context.sessions) as session:
            item, submission, _ = await self._asked(session, actor_id, assignment_id)
            view = await submitted_view(self.context, session, item)
            return view if submission.practitioner_confirmation else ConfirmationForm(view)

    async def confirm(
        self, actor_id: str, assignment_id: int, data: dict[str, Any]
    ) -> ConfirmationForm | SubmittedAudit:
        """Record the practitioner's answer once (the card again with field errors if it needs a
        look). Only ``answer`` and ``disagreement`` are read: nothing here can change a grade."""
        async with transaction(self.context.sessions) as session:
            item, submission, actor = await self._asked(session, actor_id, assignment_id)
            view = await submitted_view(self.context, session, item)
            if submission.practitioner_confirmation:
                return view
            values = {key: str(data.get(key) or "").strip() for key in ("answer", "disagreement")}
            errors = _errors(values, item.assignment.case_ref)
            if errors:
                return ConfirmationForm(view, values, errors)
            submission.practitioner_confirmation = values["answer"]
            submission.practitioner_disagreement = values["disagreement"] or None
            submission.practitioner_confirmed_at = self.context.clock.now()
            await access_log.record(
                session, actor, access_log.SUBMIT, CONFIRMATION_RECORD, assignment_id, {"answer": values["answer"]}
            )
            await session.flush()
            return await submitted_view(self.context, session, item)

    async def _asked(
        self, session: AsyncSession, actor_id: str, assignment_id: int
    ) -> tuple[Loaded, AuditSubmission, Actor]:
        """The audit and its submission, for its practitioner, when they were asked to confirm it."""
        item, actor, submission = await practitioner_submission(self.context, session, actor_id, assignment_id)
        if not submission.confirmation_asked:
            raise NotAllowed(text.CONFIRM_NOT_ASKED)
        await access_log.record(session, actor, access_log.VIEW, RECORD, assignment_id, {"for": "confirmation"})
        return item, submission, actor


def _errors(values: dict[str, str], case_ref: str) -> dict[str, str]:
    errors = screen_fields(values, ["disagreement"], allowed=[case_ref])
    if values["answer"] not in ANSWERS:
        errors["answer"] = text.CONFIRM_CHOICE_NEEDED
    elif values["answer"] == "disagreed" and not values["disagreement"]:
        errors["disagreement"] = text.CONFIRM_DISAGREEMENT_NEEDED
    if len(values["disagreement"]) > MAX_DISAGREEMENT_LENGTH:
        errors["disagreement"] = text.ACTION_TOO_LONG
    return errors
