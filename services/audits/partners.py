"""Multi-agency audits: the council's auditor invites auditors from partner agencies (health,
police, education), who work outside the council's Teams, to complete their agency's part.

Each partner gets their own private link, as a family does for feedback: a 256-bit random token
of which only the SHA-256 is stored, single use, expiring (14 days by default). The page asks
their agency's sections of the audit's template and stores the answers against the audit; the
council's auditor sees every part together (who answered, when, which parts are missing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_partner_audits as text
from services import access_log, personal_data, policy
from services.audits.late import LateArrivals
from services.audits.loading import AuditContext, Loaded
from services.errors import InvalidInput, NotFound
from services.feedback.forms import checked_answers
from services.feedback.links import LinkState, LinkUnusable
from services.feedback.tokens import Signer, find_link, hash_token, new_link_token
from services.policy import Permission
from storage.db import transaction
from storage.models import AuditStatus, PartnerAuditLink, PartnerAuditPart
from storage.repositories import partner_audits as partner_rows
from views.partner_audits import PartnerForm, PartnerInvitation, PartnerLinkCreated, PartnerParts, ReturnedPart
from views.templates import Agency, Template

LINK_RECORD = "partner audit link"
PART_RECORD = "partner audit part"
MAX_LABEL = 120
OPEN_STATUSES = (AuditStatus.ASSIGNED.value, AuditStatus.IN_PROGRESS.value)
FORM_PURPOSE = "partner-audit-form"


class PartnerAudits:
    """Partner auditors' links and parts for multi-agency audits."""

    def __init__(
        self,
        context: AuditContext,
        *,
        signer: Signer,
        base_url: str,
        valid_days: int = 14,
        late: LateArrivals | None = None,
    ) -> None:
        self.context = context
        self._late = late or LateArrivals(context)
        self._signer = signer
        self._base_url = base_url.rstrip("/")
        self._valid_days = valid_days

    async def invite(self, actor_id: str, assignment_id: int, *, agency: str, partner_label: str) -> PartnerLinkCreated:
        """A new single-use link for one partner auditor, made by the audit's own auditor while the
        audit is open (``actor_id``: their Teams user id). The token is returned once, never stored.

        Raises:
            InvalidInput: not a multi-agency audit, already submitted, or a field needs another look.
            NotAllowed: someone other than the audit's auditor.
        """
        now = self.context.clock.now()
        token = new_link_token()
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            chosen = _partner_agency(whole_template(self.context, item), agency)
            label = _checked_label(partner_label)
            if item.assignment.status not in OPEN_STATUSES:
                raise InvalidInput(text.AUDIT_CLOSED)
            link = PartnerAuditLink(
                token_hash=hash_token(token),
                assignment_id=assignment_id,
                agency=chosen.value,
                partner_label=label,
                created_by_id=item.assignment.auditor_id,
                expires_at=now + timedelta(days=self._valid_days),
            )
            session.add(link)
            await session.flush()
            await access_log.record(
                session, actor, access_log.CHANGE, LINK_RECORD, link.id, {"audit": assignment_id, "agency": chosen}
            )
        return PartnerLinkCreated(
            assignment_id=assignment_id,
            url=f"{self._base_url}/partner/{token}",
            case_ref=item.assignment.case_ref,
            agency=chosen.value,
            partner_label=label,
            expires_at=link.expires_at,
        )

    async def open_link(self, token: str) -> tuple[LinkState, PartnerForm | None, str]:
        """(state, the partner's questions when the link is open, the token's hash)."""
        async with self.context.sessions() as session:
            found = await self._find(session, token)
            if found is None:
                return LinkState.UNKNOWN, None, ""
            link, item = found
            state = self._state_of(link, item)
            if state is not LinkState.OPEN:
                return state, None, link.token_hash
            return state, _form(whole_template(self.context, item), link.agency), link.token_hash

    def form_token(self, token_hash: str, browser_nonce: str) -> str:
        """The per-page anti-forgery token: bound to this link and this browser's cookie."""
        return self._signer.sign(FORM_PURPOSE, token_hash, browser_nonce)

    def form_token_valid(self, token_hash: str, browser_nonce: str, form_token: str) -> bool:
        return bool(browser_nonce) and self._signer.verify(form_token, FORM_PURPOSE, token_hash, browser_nonce)

    async def submit(self, token: str, submitted: dict[str, Any]) -> PartnerForm:
        """Store the partner's answers against the audit and use up the link.

        Raises:
            LinkUnusable: the link is unknown, used or expired, or its audit was cancelled
                (nothing is stored).
            InvalidInput: some answers need another look (the link stays usable).
        """
        now = self.context.clock.now()
        async with transaction(self.context.sessions) as session:
            found = await self._find(session, token)
            if found is None:
                raise LinkUnusable(LinkState.UNKNOWN)
            link, item = found
            state = self._state_of(link, item)
            if state is not LinkState.OPEN:
                raise LinkUnusable(state)
            template = whole_template(self.context, item)
            form = _form(template, link.agency)
            part = template.model_copy(update={"sections": list(form.sections)})
            answers = checked_answers(part, submitted, today=self.context.today(), allowed=(item.assignment.case_ref,))
            if not await partner_rows.claim_link(session, link.id, now=now):
                raise LinkUnusable(LinkState.USED)
            stored = PartnerAuditPart(
                assignment_id=item.assignment.id,
                link_id=link.id,
                agency=link.agency,
                template_id=template.id,
                template_version=template.version,
                answers=answers,
                submitted_at=now,
            )
            session.add(stored)
            await session.flush()
            await access_log.record(
                session, None, access_log.SUBMIT, PART_RECORD, stored.id, {"audit": item.assignment.id, "link": link.id}
            )
            late = item.assignment.status not in OPEN_STATUSES
        if late:
            await self._late.partner_part_arrived(stored.assignment_id, stored.id, stored.agency)
        return form

    async def _find(self, session: AsyncSession, token: str) -> tuple[PartnerAuditLink, Loaded] | None:
        link = await find_link(token, lambda token_hash: partner_rows.link_by_hash(session, token_hash))
        if link is None:
            return None
        try:
            item = await self.context.load(session, link.assignment_id)
        except (NotFound, KeyError):  # the audit, or its template version, is gone: the link opens nothing
            return None
        return link, item

    def _state_of(self, link: PartnerAuditLink, item: Loaded) -> LinkState:
        agencies = whole_template(self.context, item).partner_agencies
        if item.assignment.status == AuditStatus.CANCELLED.value or link.agency not in agencies:
            return LinkState.UNKNOWN
        if link.used_at is not None:
            return LinkState.USED
        if link.expires_at <= self.context.clock.now():
            return LinkState.EXPIRED
        return LinkState.OPEN


async def partner_parts(
    context: AuditContext, session: AsyncSession, item: Loaded, *, submitted_at: datetime | None = None
) -> PartnerParts | None:
    """Every agency's part of a multi-agency audit (None for any other audit): who was invited,
    what came back and when, and which parts are missing. ``submitted_at`` marks parts that came
    back after the audit was submitted."""
    agencies = whole_template(context, item).partner_agencies
    if not agencies:
        return None
    links = await partner_rows.links_of(session, item.assignment.id)
    parts = await partner_rows.parts_of(session, item.assignment.id)
    returned_at = {part.link_id: part.submitted_at for part in parts}
    labels = {link.id: link.partner_label for link in links}
    return PartnerParts(
        agencies=tuple(a.value for a in agencies),
        invitations=tuple(
            PartnerInvitation(
                link.agency, link.partner_label, link.created_at, link.expires_at, returned_at.get(link.id)
            )
            for link in links
        ),
        returned=tuple(
            ReturnedPart(
                agency=part.agency,
                partner_label=labels.get(part.link_id, ""),
                submitted_at=part.submitted_at,
                sections=tuple(_sections_answered(context, part)),
                answers=part.answers,
                after_submission=submitted_at is not None and part.submitted_at > submitted_at,
            )
            for part in parts
        ),
        now=context.clock.now(),
        can_invite=item.assignment.status in OPEN_STATUSES,
    )


def whole_template(context: AuditContext, item: Loaded) -> Template:
    """The audit's template with every agency's part (``Loaded.template`` is the auditor's own part)."""
    return context.templates.get(item.round.template_id, item.round.template_version)


def _sections_answered(context: AuditContext, part: PartnerAuditPart) -> list[Any]:
    """The questions of the template version the part was answered in."""
    return context.templates.get(part.template_id, part.template_version).partner_sections(Agency(part.agency))


def _form(template: Template, agency: str) -> PartnerForm:
    return PartnerForm(template.title, agency, tuple(template.partner_sections(Agency(agency))))


def _partner_agency(template: Template, agency: str) -> Agency:
    """The partner agency ``agency`` names, if the audit's template has a part for it."""
    agencies = template.partner_agencies
    if not agencies:
        raise InvalidInput(text.NOT_MULTI_AGENCY)
    key = agency.strip().lower()
    if key not in {a.value for a in agencies}:
        choices = ", ".join(text.AGENCY_LABELS[a.value] for a in agencies)
        raise InvalidInput(text.ANSWERS_NEED_A_LOOK, {text.FIELD_AGENCY: text.CHOOSE_AGENCY.format(choices=choices)})
    return Agency(key)


def _checked_label(partner_label: str) -> str:
    """Who the link is for: a work email is welcome, any other personal detail is not."""
    label = " ".join(partner_label.split())
    if not label:
        raise InvalidInput(text.ANSWERS_NEED_A_LOOK, {text.FIELD_LABEL: text.LABEL_NEEDED})
    if len(label) > MAX_LABEL:
        raise InvalidInput(text.ANSWERS_NEED_A_LOOK, {text.FIELD_LABEL: text.LABEL_TOO_LONG.format(limit=MAX_LABEL)})
    findings = [f for f in personal_data.screen(label) if f.kind != "email"]
    if findings:
        raise InvalidInput(text.ANSWERS_NEED_A_LOOK, {text.FIELD_LABEL: findings[0].message})
    return label
