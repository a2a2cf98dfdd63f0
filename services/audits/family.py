"""The family's view inside an audit: the auditor (or the practitioner, with the family beside
them) sends a private link for a parent or carer or a young person, answers the family's form
together on the card, or records why the family's view cannot be had. Whatever the page held is
kept first, so pressing a family button never loses typed answers; the auditor's grades are only
ever changed by the auditor."""

from __future__ import annotations

import enum
import re
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_audit_family as text
from services import access_log, policy
from services.actors import Actor
from services.audits.answering import clamp, extract, page_view
from services.audits.loading import RECORD, REFLECTION_TEMPLATE, AuditContext, Loaded
from services.audits.voice import family_voice_of
from services.errors import InvalidInput, NotAllowed
from services.feedback.links import FeedbackLinkService
from services.policy import Permission
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import AuditStatus
from storage.repositories import audit_family as family_rows
from views.audit_family import LINK_WHO, NO_VOICE_REASONS, WHO_TEMPLATES, NewLink, TogetherForm
from views.audits import AuditPage, ReflectionForm

MAX_TRIES = 99
FamilyStep = AuditPage | ReflectionForm
"""The card a family step comes back to: the auditor's page, or the practitioner's reflection."""


class Side(enum.StrEnum):
    """Which side of the audit is asking for the family's view."""

    AUDITOR = "auditor"
    PRACTITIONER = "practitioner"


class FamilyVoices:
    """The family step of an audit, for its auditor and its practitioner."""

    def __init__(self, context: AuditContext, links: FeedbackLinkService | None) -> None:
        self.context = context
        self._links = links

    async def ask_by_link(
        self, actor_id: str, assignment_id: int, *, who: str, page: int, data: dict[str, Any]
    ) -> FamilyStep:
        """A single-use link (with its QR code, shown once on the card) for a parent or carer or a
        young person, whose answers count for this audit. ``actor_id`` is a Teams user id."""
        async with transaction(self.context.sessions) as session:
            item, actor, side = await self._begin(session, actor_id, assignment_id, page, data)
            if who not in LINK_WHO or self._links is None:
                return await self._view(session, item, side, page, errors={"family_who": text.CHOOSE_WHO_FOR_LINK})
            await access_log.record(session, actor, access_log.CHANGE, RECORD, assignment_id, {"family": "link"})
        created = await self._links.request_link(
            actor_id=actor_id,
            case_reference=item.assignment.case_ref,
            template_key=WHO_TEMPLATES[who],
            assignment_id=assignment_id,
        )
        async with self.context.sessions() as session:
            item = await self.context.load(session, assignment_id)
            new_link = NewLink(created.url, created.template.title, created.expires_at)
            return await self._view(session, item, side, page, notice=text.LINK_MADE, new_link=new_link)

    async def open_together(
        self, actor_id: str, assignment_id: int, *, who: str, page: int, data: dict[str, Any]
    ) -> FamilyStep | TogetherForm:
        """The family's form on the card, to answer together now (the page's answers kept first)."""
        async with transaction(self.context.sessions) as session:
            item, _, side = await self._begin(session, actor_id, assignment_id, page, data)
            if who not in WHO_TEMPLATES:
                return await self._view(session, item, side, page, errors={"family_who": text.CHOOSE_WHO})
            template = self.context.templates.get(WHO_TEMPLATES[who])
            return TogetherForm(
                item.assignment.id, item.assignment.case_ref, who, template, page, side == Side.PRACTITIONER
            )

    async def answer_together(
        self, actor_id: str, assignment_id: int, *, who: str, version: int | None, page: int, data: dict[str, Any]
    ) -> FamilyStep | TogetherForm:
        """Store the family's answers given together on the card (the form again, everything kept,
        when some need another look); safety answers alert at once as for any hand-over."""
        if who not in WHO_TEMPLATES or self._links is None:
            raise InvalidInput(text.CHOOSE_WHO)
        async with transaction(self.context.sessions) as session:
            item, _, side = await self._begin(session, actor_id, assignment_id, page, {})
        try:
            await self._links.submit_handover(
                actor_id=actor_id,
                case_reference=item.assignment.case_ref,
                template_key=WHO_TEMPLATES[who],
                version=version,
                submitted=data,
                assignment_id=assignment_id,
            )
        except InvalidInput as invalid:
            template = self._links.handover_template(WHO_TEMPLATES[who], version)
            problems = invalid.field_errors or {text.ANSWERS_FIELD: invalid.user_message}
            return TogetherForm(
                assignment_id,
                item.assignment.case_ref,
                who,
                template,
                page,
                side == Side.PRACTITIONER,
                values=data,
                problems=problems,
            )
        async with self.context.sessions() as session:
            item = await self.context.load(session, assignment_id)
            return await self._view(session, item, side, page, notice=text.ANSWERS_KEPT)

    async def record_reason(
        self, actor_id: str, assignment_id: int, *, reason: str, tries: str, page: int, data: dict[str, Any]
    ) -> FamilyStep:
        """Record why the audit goes without the family's view: they declined, it was not safe to
        ask, or they were not reached after a number of tries (which must be given)."""
        try:
            return await self._record_reason(actor_id, assignment_id, reason, tries, page, data)
        except IntegrityError:  # a double click recorded it a moment ago: this one replaces it
            return await self._record_reason(actor_id, assignment_id, reason, tries, page, data)

    async def _record_reason(
        self, actor_id: str, assignment_id: int, reason: str, tries: str, page: int, data: dict[str, Any]
    ) -> FamilyStep:
        async with transaction(self.context.sessions) as session:
            item, actor, side = await self._begin(session, actor_id, assignment_id, page, data)
            errors, times = _reason_errors(reason, tries)
            if errors:
                return await self._view(session, item, side, page, errors=errors)
            now = self.context.clock.now()
            await family_rows.record_reason(session, assignment_id, reason=reason, tries=times, now=now)
            await access_log.record(
                session, actor, access_log.CHANGE, RECORD, assignment_id, {"family": reason, "tries": times}
            )
            return await self._view(session, item, side, page, notice=text.REASON_RECORDED)

    async def _begin(
        self, session: AsyncSession, actor_id: str, assignment_id: int, page: int, data: dict[str, Any]
    ) -> tuple[Loaded, Actor, Side]:
        """Load the audit, check who is asking and that its family step is open, and keep what
        their card held (the auditor's page into the audit draft, the practitioner's reflection
        into theirs: neither can write the other's)."""
        item = await self.context.load(session, assignment_id)
        actor = await self.context.actor(session, actor_id, among=item)
        side = _side_of(actor, item)
        a = item.assignment
        if not item.template.family_voice:
            raise InvalidInput(text.NOT_ASKED.format(case_ref=a.case_ref))
        if a.status not in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
            raise InvalidInput(text.AUDIT_CLOSED.format(case_ref=a.case_ref))
        if side == Side.AUDITOR and data:
            a.draft = {**a.draft, **extract(item.template, clamp(item.template, page), data)}
            a.draft_saved_at = self.context.clock.now()
            a.status = AuditStatus.IN_PROGRESS.value
        elif data:
            reflection = self.context.templates.get(REFLECTION_TEMPLATE)
            a.reflection_draft = {**a.reflection_draft, **answer_rules.extract(reflection.sections, data)}
        return item, actor, side

    async def _view(
        self,
        session: AsyncSession,
        item: Loaded,
        side: Side,
        page: int,
        *,
        errors: dict[str, str] | None = None,
        notice: str | None = None,
        new_link: NewLink | None = None,
    ) -> FamilyStep:
        family = await family_voice_of(self.context, session, item)
        if family is not None and new_link is not None:
            family = replace(family, new_link=new_link)
        if side == Side.AUDITOR:
            view = await page_view(self.context, session, item, clamp(item.template, page), errors or {}, notice=notice)
            return replace(view, family=family)
        reflection = self.context.templates.get(REFLECTION_TEMPLATE)
        return ReflectionForm(
            item.summary, reflection, dict(item.assignment.reflection_draft), errors or {}, family=family
        )


def _side_of(actor: Actor, item: Loaded) -> Side:
    """The auditor (who may submit the audit) or the practitioner (who may reflect on it); anyone
    else is refused as they would be for the audit itself."""
    if actor.person_id is not None and actor.person_id == item.assignment.practitioner_id:
        policy.require(actor, Permission.SUBMIT, item.policy_record(reflection=True))
        return Side.PRACTITIONER
    if policy.allows(actor, Permission.SUBMIT, item.policy_record()):
        return Side.AUDITOR
    if actor.is_member:
        raise NotAllowed(text.NOT_YOURS)
    policy.require(actor, Permission.SUBMIT, item.policy_record())  # says why: not matched, or has left
    raise NotAllowed(text.NOT_YOURS)


def _reason_errors(reason: str, tries: str) -> tuple[dict[str, str], int | None]:
    """Field errors for a reason without the family's view, and the number of tries it records."""
    if reason not in NO_VOICE_REASONS:
        return {"family_reason": text.CHOOSE_REASON}, None
    if reason != "not_reached":
        return {}, None
    digits = tries.strip()
    if not re.fullmatch(r"[0-9]{1,2}", digits) or not 1 <= int(digits) <= MAX_TRIES:
        return {"family_tries": text.TRIES_NEEDED}, None
    return {}, int(digits)


async def refuse_without_family_voice(
    context: AuditContext, session: AsyncSession, actor: Actor, item: Loaded
) -> AuditPage:
    """The review page again, saying the family's view (or why not) is needed before submitting."""
    a = item.assignment
    a.draft_page = len(item.template.sections) + 1
    await access_log.record(session, actor, "submit refused", RECORD, a.id, {"family": "missing"})
    errors = {"family_who": text.VOICE_NEEDED_FIELD}
    return await page_view(context, session, item, a.draft_page, errors, notice=text.VOICE_NEEDED)
