"""Realistic examples of every action card, for the card catalogue and its validators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from cards import actions
from cards.base import Json
from services.qa_calendar import calendar_row
from views.actions import ActionStatus, ActionView, EscalationAudience, PersonChoice, ProposalView
from views.qa_calendar import CalendarOccurrenceView

TODAY = date(2026, 3, 16)
TEAM = [
    PersonChoice(11, "Priya Shah"),
    PersonChoice(12, "Callum Reid"),
    PersonChoice(13, "Aisha Khan"),
]


def _view(**changes):  # type: ignore[no-untyped-def]
    base = {
        "id": 42,
        "source": "audit",
        "source_ref": "audit:118",
        "description": "Update the child's plan so it includes the family's own safety goal and who will do what by when.",
        "case_reference": "LCS204117",
        "owner_id": 11,
        "owner_name": "Priya Shah",
        "manager_id": 10,
        "due_date": date(2026, 3, 20),
        "status": ActionStatus.OPEN,
        "completion_evidence": None,
        "completed_at": None,
        "impact_answer": None,
        "impact_more_asked": False,
        "impact_more_asked_note": None,
        "pending_proposal": None,
    }
    base.update(changes)
    return ActionView(**base)


def _proposal():  # type: ignore[no-untyped-def]
    return ProposalView(
        id=7,
        action_id=42,
        previous_due_date=date(2026, 3, 20),
        proposed_due_date=date(2026, 4, 10),
        reason="The family are away over Easter; the network meeting is booked for 8 April.",
        proposed_by_id=11,
        decision="pending",
    )


def action_examples() -> Iterator[tuple[str, Json]]:
    open_view = _view()
    overdue = _view(status=ActionStatus.OVERDUE, due_date=date(2026, 3, 9))
    done = _view(
        status=ActionStatus.DONE,
        completion_evidence="Plan updated in LCS on 18 March with the family's safety goal; shared with mum.",
        completed_at=datetime(2026, 3, 18, 14, 5, tzinfo=UTC),
    )
    answered = _view(
        status=ActionStatus.DONE,
        completion_evidence="Plan updated in LCS on 18 March.",
        completed_at=datetime(2026, 3, 18, 14, 5, tzinfo=UTC),
        impact_answer="Mum now scales safety at 7 (was 4) and the child could tell me what the plan says.",
    )
    pending = _view(pending_proposal=_proposal())
    yield "action_due_soon", actions.action_card(open_view, today=TODAY, kind="due_soon")
    yield "action_due_today", actions.action_card(_view(due_date=TODAY), today=TODAY, kind="due_today")
    yield "action_overdue", actions.action_card(overdue, today=TODAY, kind="overdue")
    yield (
        "action_with_problems",
        actions.action_card(
            open_view,
            today=TODAY,
            kind="view",
            errors={"evidence": "Please say what was done."},
            values={"reason": "Waiting for the network meeting"},
        ),
    )
    yield "action_manager_view", actions.action_card(pending, today=TODAY, deciding=True, colleagues=TEAM)
    yield "action_closed_view", actions.action_card(done, today=TODAY)
    yield "action_escalation", actions.escalation_card(overdue, today=TODAY, working_days_overdue=5, colleagues=TEAM)
    overdue_asking = _view(status=ActionStatus.OVERDUE, due_date=date(2026, 3, 9), pending_proposal=_proposal())
    yield (
        "action_escalation_area",
        actions.escalation_card(
            overdue_asking,
            today=TODAY,
            working_days_overdue=5,
            colleagues=TEAM,
            audience=EscalationAudience.AREA,
            working=False,
        ),
    )
    yield (
        "action_escalation_qa",
        actions.escalation_card(
            overdue, today=TODAY, working_days_overdue=5, colleagues=TEAM, audience=EscalationAudience.QA, working=False
        ),
    )
    yield "action_lead_view", actions.action_card(pending, today=TODAY, deciding=True, colleagues=TEAM, working=False)
    yield "action_proposal", actions.proposal_card(pending, _proposal())
    yield "action_impact", actions.impact_card(done)
    yield "action_impact_more", actions.impact_card(answered, more_note="What did the child say about the plan?")
    yield "action_impact_review", actions.impact_review_card(answered)
    yield "action_reassigned", actions.reassigned_card(open_view, manager_name="Maya Patel", today=TODAY)
    for outcome in ("done", "proposed", "progress", "approved", "declined", "reassigned", "cancelled", "impact"):
        shown = done if outcome in ("done", "impact") else pending if outcome == "proposed" else open_view
        yield f"action_outcome_{outcome}", actions.outcome_card(shown, outcome)
    yield "actions_mine", actions.my_actions_card([overdue, open_view, pending])
    yield "actions_mine_empty", actions.my_actions_card([])
    many = [_view(id=100 + n, owner_name=TEAM[n % 3].name) for n in range(30)]
    yield "actions_team", actions.team_actions_card([overdue, *many])
    yield "actions_team_empty", actions.team_actions_card([])
    yield "action_new", actions.new_action_card(TEAM, today=TODAY)
    yield (
        "action_new_with_problems",
        actions.new_action_card(
            TEAM,
            today=TODAY,
            errors={"owner_id": "Please choose an owner."},
            values={"description": "Book the practice day for Riverside", "due_date": "2026-04-30"},
        ),
    )
    qim = CalendarOccurrenceView(
        activity="qim",
        name="Quality Improvement Meeting (QIM)",
        frequency="Quarterly",
        due_on=date(2026, 4, 1),
        feeds="Self-assessment; Continuous improvement plan",
    )
    yield "calendar_reminder", actions.calendar_reminder_card(qim)
    supervision = CalendarOccurrenceView(
        "supervision", "Supervision", "Monthly", date(2026, 3, 10), "Performance clinics", date(2026, 3, 10)
    )
    rows = [
        calendar_row(supervision, recorded=True, responsible=True, today=TODAY),
        calendar_row(qim, recorded=False, responsible=True, today=TODAY),
        calendar_row(
            CalendarOccurrenceView(
                **{
                    **qim.__dict__,
                    "activity": "practice_days",
                    "name": "Practice days",
                    "frequency": "Annual per service",
                    "due_on": date(2026, 5, 14),
                }
            ),
            recorded=False,
            responsible=False,
            today=TODAY,
        ),
    ]
    yield "calendar_list", actions.calendar_card(rows)
    yield "calendar_list_empty", actions.calendar_card([])
    yield (
        "calendar_recorded",
        actions.calendar_recorded_card(CalendarOccurrenceView(**{**qim.__dict__, "held_on": date(2026, 4, 2)})),
    )
