"""Action cards: reminders with their buttons, the manager's decision cards, impact, lists,
the new action form, and the read-only view after a submit (QA calendar cards: cards/calendar.py).

Every button is an Action.Execute, so Teams replaces the card in place with what the bot
answers (a read-only "done" view, or the same card with the problems marked). Inputs carry
``isRequired`` and an ``errorMessage`` so the client checks them before sending; the service
checks again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    ShowCardAction,
    TextBlock,
    TextInput,
)

from cards import text_actions as text
from cards import verbs
from cards.base import CARD_VERSION, Json, action_row, card, execute, facts, heading, list_row, paragraph, title
from views.actions import ActionView, EscalationAudience, PersonChoice, ProposalView

MAX_LISTED = 25


ESCALATION_TEXTS = {
    EscalationAudience.TEAM: (text.ESCALATION_TITLE, text.ESCALATION_INTRO),
    EscalationAudience.AREA: (text.ESCALATION_AREA_TITLE, text.ESCALATION_AREA_INTRO),
    EscalationAudience.QA: (text.ESCALATION_QA_TITLE, text.ESCALATION_QA_INTRO),
}


def format_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _status_label(view: ActionView) -> str:
    return text.STATUS_LABELS.get(view.status.value, view.status.value)


def _action_facts(view: ActionView, *, with_owner: bool = True) -> Any:
    pairs = [(text.FACT_WHAT, view.description), (text.FACT_DUE, format_date(view.due_date))]
    pairs.append((text.FACT_STATUS, _status_label(view)))
    if with_owner:
        pairs.append((text.FACT_OWNER, view.owner_name))
    pairs.append((text.FACT_SOURCE, text.SOURCE_LABELS.get(view.source, view.source)))
    if view.case_reference:
        pairs.append((text.FACT_CASE, view.case_reference))
    if view.pending_proposal is not None:
        pairs.append((text.FACT_PENDING, format_date(view.pending_proposal.proposed_due_date)))
    if view.completion_evidence:
        pairs.append((text.FACT_EVIDENCE, view.completion_evidence))
    return facts(pairs)


def form_button(title: str, inputs: Sequence[Any], verb: str, data: Json) -> ShowCardAction:
    """A button that opens a small form under the card and sends it with ``verb``."""
    form = AdaptiveCard(version=CARD_VERSION, body=list(inputs), actions=[execute(text.BUTTON_SEND, verb, data)])
    return ShowCardAction(title=title, card=form)


def text_input(
    input_id: str, label: str, error: str | None, *, values: dict[str, str], required: bool = True
) -> TextInput:
    return TextInput(
        id=input_id,
        label=label,
        is_multiline=True,
        is_required=required or None,
        error_message=error,
        max_length=4000,
        value=values.get(input_id) or None,
    )


def date_input(input_id: str, label: str, error: str, *, today: date, values: dict[str, str]) -> DateInput:
    """A required due date, today or later (the service checks again), keeping what was typed."""
    return DateInput(
        id=input_id,
        label=label,
        is_required=True,
        error_message=error,
        min=today.isoformat(),
        value=values.get(input_id) or None,
    )


def person_input(
    input_id: str, label: str, error: str, people: Sequence[PersonChoice], *, values: dict[str, str]
) -> ChoiceSetInput:
    """A required choice of one person (sent as their id), keeping who was chosen."""
    return ChoiceSetInput(
        id=input_id,
        label=label,
        is_required=True,
        error_message=error,
        choices=[Choice(title=person.name, value=str(person.id)) for person in people],
        value=values.get(input_id) or None,
    )


def problems_block(errors: dict[str, str] | None) -> list[Any]:
    if not errors:
        return []
    return [
        TextBlock(text=message, color="Attention", wrap=True, weight="Bolder", spacing="Small")
        for message in errors.values()
    ]


def _owner_buttons(
    view: ActionView, today: date, values: dict[str, str], *, deciding: bool, working: bool = True
) -> list[Any]:
    """Done, the date, progress; someone who decides but does not do the work gets only the date."""
    ref = {"action_id": view.id}
    date_label = text.BUTTON_CHANGE_DATE if deciding else text.BUTTON_NEW_DATE
    reason_label = text.LABEL_CHANGE_REASON if deciding else text.LABEL_REASON
    buttons = [
        form_button(
            text.BUTTON_DONE,
            [text_input("evidence", text.LABEL_EVIDENCE, text.ERROR_EVIDENCE, values=values)],
            verbs.ACTION_DONE,
            ref,
        ),
        form_button(
            date_label,
            [
                date_input("new_date", text.LABEL_NEW_DATE, text.ERROR_NEW_DATE, today=today, values=values),
                text_input("reason", reason_label, text.ERROR_REASON, values=values),
            ],
            verbs.ACTION_PROPOSE_DATE,
            ref,
        ),
        form_button(
            text.BUTTON_PROGRESS,
            [text_input("progress", text.LABEL_PROGRESS, text.ERROR_PROGRESS, values=values)],
            verbs.ACTION_PROGRESS,
            ref,
        ),
    ]
    return buttons if working else [buttons[1]]


def _manager_buttons(view: ActionView, colleagues: Sequence[PersonChoice], values: dict[str, str]) -> list[Any]:
    ref = {"action_id": view.id}
    others = [c for c in colleagues if c.id != view.owner_id]
    buttons: list[Any] = []
    if others:
        buttons.append(
            form_button(
                text.BUTTON_REASSIGN,
                [
                    person_input("new_owner_id", text.LABEL_NEW_OWNER, text.ERROR_NEW_OWNER, others, values=values),
                    text_input("reassign_reason", text.LABEL_REASSIGN_REASON, None, values=values, required=False),
                ],
                verbs.ACTION_REASSIGN,
                ref,
            )
        )
    buttons.append(
        form_button(
            text.BUTTON_CANCEL,
            [text_input("cancel_reason", text.LABEL_CANCEL_REASON, text.ERROR_REASON, values=values)],
            verbs.ACTION_CANCEL,
            ref,
        )
    )
    return buttons


def action_card(
    view: ActionView,
    *,
    today: date,
    kind: str = "view",
    deciding: bool = False,
    colleagues: Sequence[PersonChoice] = (),
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    working: bool = True,
) -> Json:
    """The action with everything its owner (or, when ``deciding``, their manager) can do.

    ``working=False``: the viewer decides over it but may not do the owner's work (the QA lead, a
    senior manager), so done and progress are left off.

    ``kind`` is the reminder kind (due_soon, due_today, overdue) or ``view`` when opened from a list.
    ``errors``/``values`` re-show a submission that could not be accepted, without losing what was typed.
    """
    values = values or {}
    intro = text.REMINDER_INTROS.get(kind, text.REMINDER_INTROS["view"]).format(due=format_date(view.due_date))
    body: list[Any] = [title(text.REMINDER_HEADINGS.get(kind, text.REMINDER_HEADINGS["view"])), paragraph(intro)]
    body += problems_block(errors)
    body.append(_action_facts(view, with_owner=deciding))
    if view.is_closed:
        return card(body, fallback_text=view.description)
    actions = _owner_buttons(view, today, values, deciding=deciding, working=working)
    if deciding:
        actions += _manager_buttons(view, colleagues, values)
    return card(body, actions, fallback_text=view.description)


def escalation_card(
    view: ActionView,
    *,
    today: date,
    working_days_overdue: int,
    colleagues: Sequence[PersonChoice] = (),
    audience: EscalationAudience = EscalationAudience.TEAM,
    working: bool = True,
    deciding: bool = True,
) -> Json:
    """K working days after the due date: to the owner's manager, or, when nobody in the team is above
    the owner, to the senior managers of the area (else the QA lead).

    Offers only what the recipient may do: the date (and the owner's pending request for a new one),
    progress when ``working``, reassigning to ``colleagues`` and cancelling when ``deciding``.
    """
    heading_text, intro_text = ESCALATION_TEXTS[audience]
    intro = intro_text.format(owner=view.owner_name, due=format_date(view.due_date), days=working_days_overdue)
    body = [title(heading_text), paragraph(intro), _action_facts(view)]
    _done, date_button, progress_button = _owner_buttons(view, today, {}, deciding=deciding)
    actions: list[Any] = []
    if deciding:
        actions += [*_proposal_buttons(view.pending_proposal), date_button]
    if working:
        actions.append(progress_button)
    if deciding:
        actions += _manager_buttons(view, colleagues, {})
    return card(body, actions, fallback_text=heading_text)


def _proposal_buttons(proposal: ProposalView | None) -> list[Any]:
    """Approve or decline the owner's request for a new date, when one is waiting."""
    if proposal is None:
        return []
    ref = {"proposal_id": proposal.id}
    return [
        execute(text.BUTTON_APPROVE, verbs.ACTION_DECIDE_DATE, {**ref, "approve": True}),
        execute(text.BUTTON_DECLINE, verbs.ACTION_DECIDE_DATE, {**ref, "approve": False}),
    ]


def proposal_card(view: ActionView, proposal: ProposalView, *, errors: dict[str, str] | None = None) -> Json:
    """To the manager: approve or decline the owner's new date."""
    intro = text.PROPOSAL_INTRO.format(
        owner=view.owner_name,
        old=format_date(proposal.previous_due_date),
        new=format_date(proposal.proposed_due_date),
    )
    body = [
        title(text.PROPOSAL_TITLE),
        paragraph(intro),
        *problems_block(errors),
        heading(text.PROPOSAL_REASON),
        paragraph(proposal.reason),
        _action_facts(view),
        TextInput(id="decision_note", label=text.LABEL_DECISION_NOTE, is_multiline=True, max_length=2000),
    ]
    return card(body, _proposal_buttons(proposal), fallback_text=text.PROPOSAL_TITLE)


def impact_card(
    view: ActionView,
    *,
    more_note: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """Closing the loop: some weeks after the action was done, what difference did it make?"""
    completed = format_date(view.completed_at.date()) if view.completed_at else format_date(view.due_date)
    body: list[Any] = [title(text.IMPACT_TITLE), paragraph(text.IMPACT_INTRO.format(completed=completed))]
    if more_note:
        body.append(paragraph(text.IMPACT_MORE_INTRO.format(note=more_note)))
    body += problems_block(errors)
    body += [
        _action_facts(view, with_owner=False),
        heading(text.IMPACT_QUESTION),
        text_input("impact", text.LABEL_IMPACT, text.ERROR_IMPACT, values=values or {}),
    ]
    actions = [execute(text.BUTTON_SEND, verbs.ACTION_IMPACT, {"action_id": view.id})]
    return card(body, actions, fallback_text=text.IMPACT_QUESTION)


def impact_review_card(view: ActionView) -> Json:
    """To the manager once the owner has answered: read it, and ask for more if it is thin."""
    body = [
        title(text.IMPACT_REVIEW_TITLE),
        paragraph(text.IMPACT_REVIEW_INTRO.format(owner=view.owner_name)),
        paragraph(view.impact_answer or ""),
        _action_facts(view),
    ]
    ask = form_button(
        text.BUTTON_ASK_MORE,
        [text_input("more_note", text.LABEL_ASK_MORE, text.ERROR_ASK_MORE, values={})],
        verbs.ACTION_ASK_MORE,
        {"action_id": view.id},
    )
    return card(body, [ask], fallback_text=text.IMPACT_REVIEW_TITLE)


def reassigned_card(view: ActionView, *, manager_name: str, today: date) -> Json:
    """To the new owner after a manager reassigns an action."""
    built = action_card(view, today=today)
    built["body"][0]["text"] = text.REASSIGNED_TITLE
    built["body"][1]["text"] = text.REASSIGNED_INTRO.format(manager=manager_name)
    return built


def outcome_card(view: ActionView, outcome: str) -> Json:
    """The read-only view that replaces a card once its submit was accepted (no buttons left)."""
    shown_date = (
        view.pending_proposal.proposed_due_date if outcome == "proposed" and view.pending_proposal else view.due_date
    )
    message = text.DONE_BODIES[outcome].format(date=format_date(shown_date), owner=view.owner_name)
    return card(
        [title(text.DONE_TITLES[outcome]), paragraph(message), _action_facts(view)],
        fallback_text=text.DONE_TITLES[outcome],
    )


def _list_row(view: ActionView, *, with_owner: bool) -> Container:
    overdue = view.status.value == "overdue"
    line = f"**{_status_label(view)}** \u00b7 due {format_date(view.due_date)}"
    if with_owner:
        line = f"{view.owner_name} \u00b7 {line}"
    texts = [
        TextBlock(text=view.description, wrap=True, max_lines=3),
        TextBlock(
            text=line,
            wrap=True,
            is_subtle=not overdue or None,
            color="Attention" if overdue else None,
            spacing="None",
        ),
    ]
    return list_row(texts, [action_row(execute(text.BUTTON_OPEN, verbs.ACTION_OPEN, {"action_id": view.id}))])


def _actions_list(views: Sequence[ActionView], *, heading_text: str, empty: str, with_owner: bool) -> Json:
    overdue = sum(1 for v in views if v.status.value == "overdue")
    body: list[Any] = [title(heading_text)]
    if not views:
        body.append(paragraph(empty))
        return card(body, fallback_text=heading_text)
    body.append(paragraph(text.LIST_SUMMARY.format(open=len(views), overdue=overdue), subtle=True))
    body += [_list_row(view, with_owner=with_owner) for view in views[:MAX_LISTED]]
    if len(views) > MAX_LISTED:
        body.append(paragraph(text.LIST_MORE.format(shown=MAX_LISTED, total=len(views)), subtle=True))
    return card(body, fallback_text=heading_text)


def my_actions_card(views: Sequence[ActionView]) -> Json:
    return _actions_list(views, heading_text=text.MY_ACTIONS_TITLE, empty=text.MY_ACTIONS_EMPTY, with_owner=False)


def team_actions_card(views: Sequence[ActionView]) -> Json:
    """Open actions of a manager's team, overdue first, each with its owner."""
    return _actions_list(views, heading_text=text.TEAM_ACTIONS_TITLE, empty=text.TEAM_ACTIONS_EMPTY, with_owner=True)


def new_action_card(
    owners: Sequence[PersonChoice],
    *,
    today: date,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """The form managers and the QA lead use to create an action."""
    values = values or {}
    sources = [Choice(title=label, value=value) for value, label in text.SOURCE_LABELS.items()]
    body: list[Any] = [title(text.NEW_ACTION_TITLE), paragraph(text.NEW_ACTION_INTRO, subtle=True)]
    body += problems_block(errors)
    body += [
        text_input("description", text.LABEL_DESCRIPTION, text.ERROR_DESCRIPTION, values=values),
        person_input("owner_id", text.LABEL_OWNER, text.ERROR_OWNER, owners, values=values),
        date_input("due_date", text.LABEL_DUE, text.ERROR_DUE, today=today, values=values),
        ChoiceSetInput(id="source", label=text.LABEL_SOURCE, choices=sources, value=values.get("source") or "manual"),
        TextInput(
            id="case_reference",
            label=text.LABEL_CASE,
            placeholder=text.CASE_PLACEHOLDER,
            max_length=32,
            value=values.get("case_reference") or None,
        ),
    ]
    return card(body, [execute(text.BUTTON_CREATE, verbs.ACTION_CREATE)], fallback_text=text.NEW_ACTION_TITLE)
