"""Secure feedback links for families and partners outside Teams.

A link carries a 256-bit random token; qop stores only its SHA-256, so the database alone
opens nothing. A link works once and expires (14 days by default). The answer is stored
against the case reference, never a name.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_feedback as text
from services import access_log, actors, policy
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.feedback.forms import checked_answers, find_survey, surveys_for
from services.feedback.responses import AlertNotifier, RaisedAlert, StoredResponse, store_response
from services.feedback.tokens import Signer, find_link, hash_token, new_link_token
from services.templates import TemplateLibrary
from storage.db import transaction
from storage.models import FeedbackChannel, FeedbackLink
from storage.repositories import audit_family as audit_family_rows
from storage.repositories import feedback as feedback_repo
from views.templates import SurveyAudience, Template

logger = logging.getLogger(__name__)
LINK_AUDIENCES = (SurveyAudience.FAMILY, SurveyAudience.PARTNER)


class LinkState(enum.StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    """No such link, or a token that was changed: the page says nothing more."""


@dataclass(frozen=True)
class CreatedLink:
    url: str
    case_reference: str
    template: Template
    expires_at: datetime


@dataclass(frozen=True)
class OpenedLink:
    state: LinkState
    template: Template | None = None
    token_hash: str = ""


LateAuditAnswers = Callable[[int, str], Awaitable[None]]
"""Told (audit id, response id) when a family's answers arrive after their audit was submitted."""


@dataclass(frozen=True)
class LinkAnswered:
    template: Template
    late: bool = False
    """The link was made for an audit that has since been submitted: the answers are kept, shown on
    the audit marked late, and the family is told so kindly."""


@dataclass(frozen=True)
class HandoverResult:
    template: Template
    case_reference: str
    alert_raised: bool


class LinkUnusable(Exception):
    """The link cannot take answers (used, expired, unknown); ``state`` says which."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


class FeedbackLinkService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        library: TemplateLibrary,
        signer: Signer,
        notifier: AlertNotifier,
        base_url: str,
        case_reference_pattern: str,
        valid_days: int = 14,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._library = library
        self._signer = signer
        self._notifier = notifier
        self._base_url = base_url.rstrip("/")
        self._case_pattern = re.compile(case_reference_pattern)
        self._valid_days = valid_days
        self._late_for_audit: LateAuditAnswers | None = None

    def tell_late_audit_answers_to(self, callback: LateAuditAnswers) -> None:
        """Who hears of answers that arrive for an audit already submitted (the audit feature,
        wired where both are built): called with the audit and the stored response's ids."""
        self._late_for_audit = callback

    def link_templates(self) -> list[Template]:
        """Templates a practitioner can send as a link."""
        return surveys_for(self._library, *LINK_AUDIENCES)

    def normalise_case_reference(self, case_reference: str) -> str:
        reference = case_reference.strip().upper()
        if not self._case_pattern.fullmatch(reference):
            raise InvalidInput(text.NOT_A_CASE_REFERENCE, {text.FIELD_CASE_REFERENCE: text.USE_CASE_REFERENCE})
        return reference

    def template_for_link(self, key: str) -> Template:
        template = find_survey(self._library, key.strip().lower())
        if template is None or template.survey is None or template.survey.audience not in LINK_AUDIENCES:
            choices = ", ".join(t.id for t in self.link_templates())
            raise InvalidInput(text.UNKNOWN_FORM, {text.FIELD_FORM: text.CHOOSE_ONE_OF.format(choices=choices)})
        return template

    async def create_link(
        self,
        *,
        creator_id: int,
        case_reference: str,
        template_key: str,
        audit_reference: str | None = None,
        assignment_id: int | None = None,
    ) -> CreatedLink:
        """Make a new single-use link; the token is returned once and never stored. With
        ``assignment_id`` (set only by the audit's family step) its answers count for that audit."""
        reference = self.normalise_case_reference(case_reference)
        template = self.template_for_link(template_key)
        token = new_link_token()
        expires_at = self._clock.now() + timedelta(days=self._valid_days)
        async with transaction(self._sessions) as session:
            session.add(
                FeedbackLink(
                    token_hash=hash_token(token),
                    template_key=template.id,
                    template_version=template.version,
                    case_reference=reference,
                    created_by_id=creator_id,
                    audit_reference=audit_reference,
                    assignment_id=assignment_id,
                    expires_at=expires_at,
                )
            )
        return CreatedLink(f"{self._base_url}/feedback/{token}", reference, template, expires_at)

    async def open_link(self, token: str) -> OpenedLink:
        async with self._sessions() as session:
            link = await self._find(session, token)
            if link is None:
                return OpenedLink(LinkState.UNKNOWN)
            template = find_survey(self._library, link.template_key, link.template_version)
            if template is None:  # its template version was removed while the link was out
                return OpenedLink(LinkState.UNKNOWN)
            return OpenedLink(self._state_of(link), template, link.token_hash)

    def form_token(self, token_hash: str, browser_nonce: str) -> str:
        """The per-page anti-forgery token: bound to this link and this browser's cookie."""
        return self._signer.sign("feedback-form", token_hash, browser_nonce)

    def form_token_valid(self, token_hash: str, browser_nonce: str, form_token: str) -> bool:
        return bool(browser_nonce) and self._signer.verify(form_token, "feedback-form", token_hash, browser_nonce)

    async def request_link(
        self,
        *,
        actor_id: str,
        case_reference: str,
        template_key: str,
        audit_reference: str | None = None,
        assignment_id: int | None = None,
    ) -> CreatedLink:
        """A practitioner in Teams asks for a link (a command, or the family step of an audit, which
        has checked who may ask and passes ``assignment_id``); ``actor_id`` is their Teams user id."""
        async with self._sessions() as session:
            worker = await _member(session, actor_id)
        created = await self.create_link(
            creator_id=worker,
            case_reference=case_reference,
            template_key=template_key,
            audit_reference=audit_reference,
            assignment_id=assignment_id,
        )
        async with transaction(self._sessions) as session:
            await access_log.record(
                session,
                worker,
                access_log.CHANGE,
                "feedback link",
                created.case_reference,
                {"template": created.template.key, "audit": assignment_id or audit_reference},
                summary="Feedback link created",
            )
        return created

    def handover_template(self, template_key: str, version: int | None = None) -> Template:
        """A family form a practitioner can open on their own device for the child."""
        template = find_survey(self._library, template_key.strip().lower(), version)
        if template is None or template.survey is None or template.survey.audience != SurveyAudience.FAMILY:
            choices = ", ".join(t.id for t in surveys_for(self._library, SurveyAudience.FAMILY))
            raise InvalidInput(
                text.FORM_NOT_FOR_HANDOVER, {text.FIELD_FORM: text.CHOOSE_ONE_OF.format(choices=choices)}
            )
        return template

    async def submit_handover(
        self,
        *,
        actor_id: str,
        case_reference: str,
        template_key: str,
        version: int | None,
        submitted: dict[str, Any],
        assignment_id: int | None = None,
    ) -> HandoverResult:
        """A child answered on the practitioner's device during a visit: "completed with worker".
        With ``assignment_id`` (the audit's family step, which checked who may) the answers are
        the family's view for that audit.

        Raises:
            InvalidInput: answers that need another look (the card keeps them).
        """
        reference = self.normalise_case_reference(case_reference)
        template = self.handover_template(template_key, version)
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            worker = await _member(session, actor_id)
            answers = checked_answers(template, submitted, today=now.date(), allowed=(reference,))
            stored = await store_response(
                session,
                template=template,
                answers=answers,
                channel=FeedbackChannel.WITH_WORKER,
                now=now,
                case_reference=reference,
                worker_id=await _case_worker(session, worker, assignment_id),
                assignment_id=assignment_id,
                late=await _audit_closed(session, assignment_id),
            )
            await access_log.record(
                session, worker, access_log.SUBMIT, "feedback response", stored.response_id, {"case": reference}
            )
        if stored.alert is not None:
            await self._notify(stored.alert)
        await self._tell_if_late(assignment_id, stored)
        return HandoverResult(template, reference, stored.alert is not None)

    async def submit(self, token: str, submitted: dict[str, Any]) -> LinkAnswered:
        """Store the answers and use up the link; a link made for an audit adds them to the audit
        (marked late once the audit has been submitted).

        Raises:
            LinkUnusable: the link is unknown, used or expired (nothing is stored).
            InvalidInput: some answers need another look (the link stays usable).
        """
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            link = await self._find(session, token)
            if link is None:
                raise LinkUnusable(LinkState.UNKNOWN)
            state = self._state_of(link)
            if state is not LinkState.OPEN:
                raise LinkUnusable(state)
            template = self._template_of(link)
            answers = checked_answers(template, submitted, today=now.date(), allowed=(link.case_reference,))
            if not await feedback_repo.claim_link(session, link.id, now=now):
                raise LinkUnusable(LinkState.USED)
            stored = await store_response(
                session,
                template=template,
                answers=answers,
                channel=FeedbackChannel.LINK,
                now=now,
                case_reference=link.case_reference,
                worker_id=await _case_worker(session, link.created_by_id, link.assignment_id),
                link_id=link.id,
                assignment_id=link.assignment_id,
                late=await _audit_closed(session, link.assignment_id),
            )
        if stored.alert is not None:
            await self._notify(stored.alert)
        await self._tell_if_late(link.assignment_id, stored)
        return LinkAnswered(template, stored.late)

    async def _notify(self, alert: RaisedAlert) -> None:
        # The answers are already stored: a failed send must not lose them (the alert row stays
        # without notified_at, for the log and a retry).
        try:
            await self._notifier.notify_safety_alert(alert)
        except Exception:
            logger.exception("could not send safety alert %s", alert.alert_id)

    async def _tell_if_late(self, assignment_id: int | None, stored: StoredResponse) -> None:
        """Answers for an audit already submitted: whoever listens hears of them. They are stored
        already, so a failure here is logged and never reaches the family."""
        if not stored.late or assignment_id is None or self._late_for_audit is None:
            return
        try:
            await self._late_for_audit(assignment_id, stored.response_id)
        except Exception:
            logger.exception("could not tell of late answers %s for audit %s", stored.response_id, assignment_id)

    async def _find(self, session: AsyncSession, token: str) -> FeedbackLink | None:
        return await find_link(token, lambda token_hash: feedback_repo.link_by_hash(session, token_hash))

    def _state_of(self, link: FeedbackLink) -> LinkState:
        if link.used_at is not None:
            return LinkState.USED
        if link.expires_at <= self._clock.now():
            return LinkState.EXPIRED
        return LinkState.OPEN

    def _template_of(self, link: FeedbackLink) -> Template:
        template = find_survey(self._library, link.template_key, link.template_version)
        if template is None:  # a template version was deleted while links were out
            raise NotFound(text.FORM_GONE)
        return template


async def _member(session: AsyncSession, actor_id: str) -> int:
    """The person id of the Teams user ``actor_id``, who must be in the organisation (only staff ask
    for feedback)."""
    actor = await actors.load_for_teams_user(session, actor_id)
    if not actor.is_member or actor.person_id is None:
        raise NotAllowed(policy.NOT_MATCHED)
    return actor.person_id


async def _case_worker(session: AsyncSession, asked_by: int, assignment_id: int | None) -> int:
    """Whose case the answers are about, for safety alerts: for an audit the audited practitioner
    (the auditor may have asked), else whoever asked for them."""
    if assignment_id is None:
        return asked_by
    return await audit_family_rows.practitioner_of(session, assignment_id) or asked_by


async def _audit_closed(session: AsyncSession, assignment_id: int | None) -> bool:
    """Answers for an audit that has already been submitted arrive late."""
    return assignment_id is not None and await audit_family_rows.audit_submitted(session, assignment_id)
