"""Actions as plain read models for cards (``views.actions``), with the status derived for a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cards import text_actions as text
from services.actions.seniors import manager_id_of
from storage.models import Action, ActionDateChange
from views.actions import ActionView, PersonChoice, ProposalView


@dataclass(frozen=True)
class ActionCardData:
    """What the bot needs to show one action to the person acting on it."""

    view: ActionView
    deciding: bool
    """They may decide over it (the owner's manager, whoever raised it, the QA lead): dates, reassign, cancel."""
    colleagues: list[PersonChoice]
    today: date
    working: bool = True
    """They may also do the work (mark done, progress): the owner and their team manager."""


def proposal_view(change: ActionDateChange) -> ProposalView:
    return ProposalView(
        id=change.id,
        action_id=change.action_id,
        previous_due_date=change.previous_due_date,
        proposed_due_date=change.proposed_due_date,
        reason=change.reason,
        proposed_by_id=change.proposed_by_id,
        decision=change.decision,
    )


def to_view(action: Action, today: date, proposal: ActionDateChange | None = None) -> ActionView:
    """Plain data for cards; ``action.owner`` (with its team) must be loaded."""
    return ActionView(
        id=action.id,
        source=action.source,
        source_ref=action.source_ref,
        description=action.description,
        case_reference=action.case_reference,
        owner_id=action.owner_id,
        owner_name=action.owner.display_name or action.owner.email or text.unnamed_person(action.owner_id),
        manager_id=manager_id_of(action.owner),
        due_date=action.due_date,
        status=action.status_on(today),
        completion_evidence=action.completion_evidence,
        completed_at=action.completed_at,
        impact_answer=action.impact_answer,
        impact_more_asked=action.impact_more_asked,
        impact_more_asked_note=action.impact_more_asked_note,
        pending_proposal=proposal_view(proposal) if proposal else None,
    )
