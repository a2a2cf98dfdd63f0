"""Stop and escalate: an auditor's answer that flags an immediate safeguarding concern is recorded
the moment the page is saved, once per question, and the team manager and every QA lead are
alerted (after the transaction commits, so an alert never names a concern that was rolled back)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cards import audit as audit_cards
from cards import text_audits as text
from services import access_log
from services.actors import Actor
from services.audits.loading import RECORD, Alert, AuditContext, Loaded, active_team_manager
from services.templates import answers as answer_rules
from storage.models import AuditEscalation, Role
from storage.repositories import audits as audit_rows
from views.audits import EscalationAlert


async def escalate_if_needed(
    context: AuditContext,
    session: AsyncSession,
    actor: Actor,
    item: Loaded,
    page: int,
    draft: dict[str, str],
    errors: dict[str, str],
) -> list[Alert]:
    """Record each "stop and escalate" answer on ``page`` not recorded yet and return the alerts
    for the team manager and the QA lead. An escalation without its required note is not
    recorded: the note's field error is added to ``errors`` instead."""
    if page >= len(item.template.sections):
        return []
    section = item.template.sections[page]
    alerts: list[Alert] = []
    for question, note in answer_rules.escalations([section], draft):
        if not note and question.escalation_note:
            errors.setdefault(question.escalation_note, text.ESCALATION_NOTE_NEEDED)
            continue
        if question.escalation_note and question.escalation_note in errors:
            continue
        if await audit_rows.escalation_exists(session, item.assignment.id, question.id):
            continue
        recipients = await _recipients(session, item)
        escalation = AuditEscalation(
            assignment_id=item.assignment.id,
            question_id=question.id,
            note=note,
            raised_by_id=actor.person_id,
            raised_at=context.clock.now(),
            alerted_person_ids=recipients,
        )
        session.add(escalation)
        await session.flush()
        await access_log.record(session, actor, "escalate", RECORD, item.assignment.id, {"to": recipients})
        alert = EscalationAlert(
            case_ref=item.assignment.case_ref,
            team_name=item.team.name if item.team else "",
            auditor_name=item.auditor.display_name,
            practitioner_name=item.practitioner.display_name,
            question_text=question.text,
            note=note,
            raised_at=escalation.raised_at,
        )
        card = audit_cards.escalation_card(alert)
        alerts += [(person_id, card, f"audit-escalation-{escalation.id}-{person_id}") for person_id in recipients]
    return alerts


async def _recipients(session: AsyncSession, item: Loaded) -> list[int]:
    """The practitioner's (active) team manager and every active QA lead, except the auditor."""
    recipients = [manager] if (manager := await active_team_manager(session, item)) else []
    recipients += await audit_rows.active_people_with_role(session, Role.QA_LEAD)
    return list(dict.fromkeys(r for r in recipients if r != item.auditor.id))
