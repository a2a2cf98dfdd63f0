"""The auditor answering an audit page by page: opening it where they left off, saving each page
into a server-side draft, moving between pages, and checking the answers (each stage's
questions, then the actions agreed with the practitioner)."""

from __future__ import annotations

from datetime import date
from types import EllipsisType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_audits as text
from services import access_log, policy
from services.audits.escalation import escalate_if_needed
from services.audits.loading import RECORD, Alert, AuditContext, Loaded, reflection_deadline
from services.audits.partners import partner_parts
from services.audits.reading import checked_view, submitted_view, summarise_reflection
from services.audits.voice import derives_family_view, family_voice_of, with_family_view
from services.personal_data import screen_fields
from services.policy import Permission
from services.templates import answers as answer_rules
from storage.db import transaction
from storage.models import AuditStatus
from views.audit_family import FAMILY_VIEW_QUESTION, FamilyVoice
from views.audits import MAX_ACTIONS, AuditPage, SubmittedAudit, action_ids, action_rows_shown
from views.templates import Template

ACTION_INPUT_IDS = [key for row in range(1, MAX_ACTIONS + 1) for key in action_ids(row)]
MAX_ACTION_LENGTH = 2000


class Answering:
    """The assigned auditor's pages and draft; anyone else the policy allows sees the submitted audit."""

    def __init__(self, context: AuditContext) -> None:
        self.context = context

    async def open_audit(self, actor_id: str, assignment_id: int) -> AuditPage | SubmittedAudit:
        """The page the auditor left off at (or the read-only audit once it is submitted).
        ``actor_id`` is the Teams user id of the person opening it."""
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            if actor.person_id != item.assignment.auditor_id:
                return await checked_view(self.context, session, actor, item)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            await access_log.record(session, actor, access_log.VIEW, RECORD, assignment_id)
            if item.assignment.status not in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
                return await submitted_view(self.context, session, item)
            return await page_view(self.context, session, item, item.assignment.draft_page, {})

    async def save_page(
        self, actor_id: str, assignment_id: int, *, page: int, data: dict[str, Any], move: str
    ) -> AuditPage | SubmittedAudit:
        """Save what the page holds into the draft (always), then move: 'next' only when the
        page is complete, 'back' and 'save' whatever it holds; 'add_action' stays on the actions
        page, which then shows one more empty row once the last one is filled in. ``actor_id``
        is the auditor's Teams user id."""
        alerts: list[Alert] = []
        async with transaction(self.context.sessions) as session:
            item = await self.context.load(session, assignment_id)
            actor = await self.context.actor(session, actor_id, among=item)
            policy.require(actor, Permission.SUBMIT, item.policy_record())
            a = item.assignment
            if a.status not in (AuditStatus.ASSIGNED, AuditStatus.IN_PROGRESS):
                return await submitted_view(self.context, session, item)
            page = clamp(item.template, page)
            values = extract(item.template, page, data)
            rows_before = action_rows_shown(a.draft)
            family = await family_voice_of(self.context, session, item)
            a.draft = with_family_view(item.template, {**a.draft, **values}, family)
            a.draft_saved_at = self.context.clock.now()
            a.status = AuditStatus.IN_PROGRESS.value
            errors = page_errors(item, page, a.draft, today=self.context.today()) if move == "next" else {}
            alerts = await escalate_if_needed(self.context, session, actor, item, page, a.draft, errors)
            if move == "next" and not errors:
                page = page + 1
            elif move == "back":
                page = max(0, page - 1)
            a.draft_page = clamp(item.template, page)
            await access_log.record(session, actor, access_log.CHANGE, RECORD, a.id, {"page": page, "move": move})
            if alerts:
                notice = text.ESCALATION_SENT
            elif move == "add_action" and page == len(item.template.sections):
                notice = _added_action_notice(rows_before, action_rows_shown(a.draft))
            else:
                notice = text.DRAFT_SAVED if move in ("save", "add_action") else None
            result = await page_view(self.context, session, item, a.draft_page, errors, notice=notice, family=family)
        await self.context.send(alerts)
        return result


def _added_action_notice(rows_before: int, rows_after: int) -> str:
    if rows_after > rows_before:
        return text.ACTION_ROW_ADDED.format(number=rows_after)
    if rows_after == MAX_ACTIONS:
        return text.ACTIONS_FULL.format(limit=MAX_ACTIONS)
    return text.ACTION_ROW_FILL_FIRST


def clamp(template: Template, page: int) -> int:
    """A page number within the template: its stages, then the actions page, then the review."""
    return min(max(0, page), len(template.sections) + 1)


def extract(template: Template, page: int, data: dict[str, Any]) -> dict[str, str]:
    """The draft values a page's card submission holds (nothing from the review page)."""
    if page < len(template.sections):
        values = answer_rules.extract([template.sections[page]], data)
        if derives_family_view(template):  # taken from the family step, never from the card
            values.pop(FAMILY_VIEW_QUESTION, None)
        return values
    if page == len(template.sections):
        return {k: str(data[k]).strip()[: answer_rules.MAX_RAW_LENGTH] for k in ACTION_INPUT_IDS if k in data}
    return {}


def page_errors(item: Loaded, page: int, draft: dict[str, str], *, today: date) -> dict[str, str]:
    """Field errors on one page: answers that do not fit the template, or personal details."""
    template = item.template
    if page < len(template.sections):
        sections = [template.sections[page]]
        errors = answer_rules.check(sections, draft, today=today)
        if derives_family_view(template):  # not the auditor's to answer: the submit rule needs the step
            errors.pop(FAMILY_VIEW_QUESTION, None)
        screened = screen_fields(draft, answer_rules.free_text_ids(sections), allowed=[item.assignment.case_ref])
        return {**screened, **errors}
    if page == len(template.sections):
        return _action_errors(item, draft, today=today)
    return {}


def first_page_with_errors(item: Loaded, draft: dict[str, str], *, today: date) -> tuple[int, dict[str, str]] | None:
    """The first page that needs a look before the audit can be submitted, with its errors."""
    for page in range(len(item.template.sections) + 1):
        errors = page_errors(item, page, draft, today=today)
        if errors:
            return page, errors
    return None


def _action_errors(item: Loaded, draft: dict[str, str], *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    allowed_owners = {str(pid) for pid, _ in owners(item)}
    for row in range(1, MAX_ACTIONS + 1):
        what_id, owner_id, due_id = action_ids(row)
        what, owner, due = (draft.get(k, "") for k in (what_id, owner_id, due_id))
        if not (what or owner or due):
            continue
        if not what:
            errors[what_id] = text.ACTION_WHAT_NEEDED
        elif len(what) > MAX_ACTION_LENGTH:
            errors[what_id] = text.ACTION_TOO_LONG
        if owner not in allowed_owners:
            errors[owner_id] = text.ACTION_OWNER_NEEDED
        try:
            if date.fromisoformat(due) < today:
                errors[due_id] = text.ACTION_DUE_IN_PAST
        except ValueError:
            errors[due_id] = text.ACTION_DUE_NEEDED
    what_fields = [action_ids(row)[0] for row in range(1, MAX_ACTIONS + 1)]
    screened = screen_fields(draft, what_fields, allowed=[item.assignment.case_ref])
    return {**screened, **errors}


def owners(item: Loaded) -> tuple[tuple[int, str], ...]:
    """Who may own an action the audit raises: the practitioner, their team manager, the auditor."""
    people = [(item.practitioner.id, item.practitioner.display_name + text.OWNER_PRACTITIONER)]
    if item.team and item.team.manager_id and item.team.manager_id != item.practitioner.id:
        people.append((item.team.manager_id, text.OWNER_TEAM_MANAGER))
    people.append((item.auditor.id, item.auditor.display_name + text.OWNER_AUDITOR))
    return tuple(people)


async def page_view(
    context: AuditContext,
    session: AsyncSession,
    item: Loaded,
    page: int,
    errors: dict[str, str],
    *,
    notice: str | None = None,
    family: FamilyVoice | EllipsisType | None = ...,
) -> AuditPage:
    """One page of the audit as the auditor sees it: the pages where they grade, and the review,
    show the practitioner's reflection (or when it is due). ``family`` is the family's view when
    the caller has just read it in this transaction (``...``: read it here)."""
    a = item.assignment
    on_review = page == len(item.template.sections) + 1
    reflection = summarise_reflection(context, item.reflection, a.case_ref)
    partners = await partner_parts(context, session, item) if on_review or page == 0 else None
    saved = a.draft_saved_at.isoformat() if a.draft_saved_at else "new"
    if isinstance(family, EllipsisType):
        family = await family_voice_of(context, session, item)
    return AuditPage(
        assignment=item.summary,
        template=item.template,
        page=page,
        values=with_family_view(item.template, dict(a.draft), family),
        errors=errors,
        owners=owners(item),
        reflection=reflection,
        partners=partners,
        submission_key=f"audit-{a.id}-{saved}",
        notice=notice,
        family=family,
        reflection_due=reflection_deadline(a),
        reflection_overdue=context.reflection_overdue(a),
    )
