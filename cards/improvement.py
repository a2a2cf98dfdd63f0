"""Cards of the continuous improvement plan: the plan, one priority, the add / update form, history.

Pure functions of ``views.improvement``; ``read_priority_form`` turns a submitted form back into
a ``PriorityChange`` (and the field problems it can see without the database).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import Choice, ChoiceSetInput, DateInput, TextBlock, TextInput

from cards import text_improvement as text
from cards import verbs
from cards.base import Json, action_row, card, execute, facts, heading, paragraph, title
from views.improvement import MilestoneView, PlanChangeView, PlanView, PriorityChange, PriorityView

MAX_LISTED = 10
FORM_FIELDS = (
    "title",
    "rationale",
    "owner_email",
    "impact_evidence",
    "status",
    "milestone",
    "milestone_due",
    "milestones_done",
    "action_ids",
)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _milestone_line(milestone: MilestoneView) -> str:
    if milestone.done:
        return text.MILESTONE_DONE.format(what=milestone.description)
    line = text.MILESTONE_LATE if milestone.late else text.MILESTONE_LINE
    return line.format(what=milestone.description, due=_day(milestone.due_date))


def _summary_facts(priority: PriorityView) -> list[tuple[str, str]]:
    milestones = priority.milestones
    actions = priority.actions
    pairs = [
        (text.FACT_OWNER, priority.owner_name),
        (text.FACT_STATUS, text.STATUS_LABELS.get(priority.status, priority.status)),
    ]
    if priority.rationale:
        pairs.append((text.FACT_WHY, priority.rationale))
    upcoming = priority.next_milestone
    pairs.append((text.FACT_NEXT, _milestone_line(upcoming) if upcoming else text.NO_MILESTONES))
    if milestones:
        done = sum(m.done for m in milestones)
        late = sum(m.late for m in milestones)
        pairs.append(
            (text.FACT_MILESTONES, text.MILESTONES_SUMMARY.format(done=done, total=len(milestones), late=late))
        )
    if actions:
        summary = text.ACTIONS_SUMMARY.format(
            total=len(actions),
            done=sum(a.status == "done" for a in actions),
            late=sum(a.status == "overdue" for a in actions),
            impact=sum(a.impact_evidenced for a in actions),
        )
    else:
        summary = text.NO_ACTIONS
    pairs.append((text.FACT_ACTIONS, summary))
    if priority.impact_evidence:
        pairs.append((text.FACT_EVIDENCE, priority.impact_evidence))
    return pairs


def _priority_buttons(priority: PriorityView, *, can_change: bool) -> Any:
    buttons = [execute(text.BUTTON_HISTORY, verbs.IMPROVEMENT_HISTORY, {"priority_id": priority.id})]
    if can_change:
        buttons.insert(0, execute(text.BUTTON_UPDATE, verbs.IMPROVEMENT_EDIT, {"priority_id": priority.id}))
    return action_row(*buttons)


def plan_card(plan: PlanView) -> Json:
    """The plan: each priority's owner, status, next milestone, actions and evidence; add and update."""
    body: list[Any] = [title(text.PLAN_TITLE), paragraph(text.PLAN_INTRO, subtle=True)]
    if not plan.priorities:
        body.append(paragraph(text.PLAN_EMPTY))
    for number, priority in enumerate(plan.priorities[:MAX_LISTED], start=1):
        body += [
            heading(f"{number}. {priority.title}"),
            facts(_summary_facts(priority)),
            _priority_buttons(priority, can_change=plan.can_change),
        ]
    if len(plan.priorities) > MAX_LISTED:
        body.append(paragraph(text.PLAN_MORE.format(count=len(plan.priorities) - MAX_LISTED), subtle=True))
    actions = [execute(text.BUTTON_ADD, verbs.IMPROVEMENT_NEW)] if plan.can_change else None
    return card(body, actions, fallback_text=text.PLAN_TITLE)


def priority_card(priority: PriorityView, *, message: str = "", can_change: bool = False) -> Json:
    """One priority in full (after a save, with what happened): milestones and actions line by line."""
    body: list[Any] = [title(priority.title)]
    if message:
        body.append(paragraph(message, subtle=True))
    body.append(facts(_summary_facts(priority)))
    if priority.milestones:
        body += [heading(text.FACT_MILESTONES)] + [paragraph(_milestone_line(m)) for m in priority.milestones]
    if priority.actions:
        body.append(heading(text.FACT_ACTIONS))
        body += [
            paragraph(
                text.ACTION_LINE.format(
                    id=a.id,
                    what=a.description,
                    owner=a.owner_name,
                    due=_day(a.due_date),
                    status=text.ACTION_STATUS_LABELS.get(a.status, a.status),
                )
            )
            for a in priority.actions
        ]
    body.append(_priority_buttons(priority, can_change=can_change))
    return card(body, [execute(text.BUTTON_BACK, verbs.IMPROVEMENT_LIST)], fallback_text=priority.title)


def _text(input_id: str, label: str, values: dict[str, str], *, multiline: bool = True, **extra: Any) -> TextInput:
    return TextInput(
        id=input_id, label=label, is_multiline=multiline or None, value=values.get(input_id) or None, **extra
    )


def priority_form_card(
    priority: PriorityView | None,
    *,
    today: date,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Json:
    """Add a priority (``priority=None``) or update one: its fields, a new milestone, links to actions."""
    if values is None:
        values = _values_of(priority) if priority else {}
    errors = errors or {}
    heading_text = text.FORM_EDIT_TITLE.format(title=priority.title) if priority else text.FORM_NEW_TITLE
    body: list[Any] = [title(heading_text), paragraph(text.FORM_INTRO, subtle=True)]
    body += [TextBlock(text=m, color="Attention", wrap=True, weight="Bolder", spacing="Small") for m in errors.values()]
    body += [
        _text(
            "title",
            text.LABEL_TITLE,
            values,
            multiline=False,
            is_required=True,
            error_message=text.ERROR_TITLE,
            max_length=200,
        ),
        _text("rationale", text.LABEL_WHY, values, max_length=4000),
        _text(
            "owner_email",
            text.LABEL_OWNER,
            values,
            multiline=False,
            is_required=True,
            error_message=text.ERROR_OWNER,
            placeholder=text.PLACEHOLDER_OWNER,
            max_length=320,
        ),
        _text("impact_evidence", text.LABEL_EVIDENCE, values, max_length=4000),
    ]
    if priority is not None:
        body.append(
            ChoiceSetInput(
                id="status",
                label=text.LABEL_STATUS,
                choices=[Choice(title=label, value=value) for value, label in text.STATUS_LABELS.items()],
                value=values.get("status") or priority.status,
            )
        )
        open_milestones = [m for m in priority.milestones if not m.done]
        if open_milestones:
            body.append(
                ChoiceSetInput(
                    id="milestones_done",
                    label=text.LABEL_DONE,
                    is_multi_select=True,
                    style="expanded",
                    choices=[Choice(title=_milestone_line(m), value=str(m.id)) for m in open_milestones],
                    value=values.get("milestones_done") or None,
                )
            )
    body += [
        _text("milestone", text.LABEL_MILESTONE, values, max_length=4000),
        DateInput(
            id="milestone_due",
            label=text.LABEL_MILESTONE_DUE,
            min=today.isoformat(),
            value=values.get("milestone_due") or None,
        ),
        _text("action_ids", text.LABEL_ACTIONS, values, multiline=False, max_length=200),
    ]
    data = {"priority_id": priority.id} if priority else {}
    buttons = [
        execute(text.BUTTON_SAVE, verbs.IMPROVEMENT_SAVE, data),
        execute(text.BUTTON_BACK, verbs.IMPROVEMENT_LIST),
    ]
    return card(body, buttons, fallback_text=heading_text)


def _values_of(priority: PriorityView) -> dict[str, str]:
    return {
        "title": priority.title,
        "rationale": priority.rationale,
        "owner_email": priority.owner_email,
        "impact_evidence": priority.impact_evidence,
        "status": priority.status,
    }


def history_card(priority: PriorityView, changes: Sequence[PlanChangeView]) -> Json:
    """Who changed the priority, when, and each field before and after."""
    body: list[Any] = [title(text.HISTORY_TITLE.format(title=priority.title))]
    if not changes:
        body.append(paragraph(text.HISTORY_EMPTY))
    for change in changes:
        when = f"{change.changed_at:%d %b %Y %H:%M} UTC"
        body.append(heading(text.HISTORY_LINE.format(when=when, who=change.changed_by, change=change.change)))
        body += [
            paragraph(text.HISTORY_FIELD.format(name=f.name, before=f.before, after=f.after), subtle=True)
            for f in change.fields
        ]
    return card(body, [execute(text.BUTTON_BACK, verbs.IMPROVEMENT_LIST)], fallback_text=priority.title)


def read_priority_form(data: dict[str, Any]) -> tuple[PriorityChange, dict[str, str]]:
    """The submitted form as a ``PriorityChange``, and the problems visible without the database."""
    values = {name: str(data.get(name) or "").strip() for name in FORM_FIELDS}
    errors: dict[str, str] = {}
    due = None
    if values["milestone_due"]:
        try:
            due = date.fromisoformat(values["milestone_due"])
        except ValueError:
            errors["milestone_due"] = text.PROBLEM_MILESTONE_DUE
    action_ids: list[int] = []
    for part in values["action_ids"].replace(";", ",").replace(" ", ",").split(","):
        part = part.strip().lstrip("#")
        if not part:
            continue
        if not part.isdigit():
            errors["action_ids"] = text.PROBLEM_ACTION_IDS
            break
        action_ids.append(int(part))
    done = tuple(int(p) for p in values["milestones_done"].split(",") if p.strip().isdigit())
    change = PriorityChange(
        title=values["title"],
        owner_email=values["owner_email"],
        rationale=values["rationale"],
        impact_evidence=values["impact_evidence"],
        status=values["status"],
        milestone=values["milestone"],
        milestone_due=due,
        milestones_done=done,
        action_ids=tuple(action_ids),
    )
    return change, errors


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """What was typed, to show the form again with its problems."""
    return {name: str(data.get(name) or "") for name in FORM_FIELDS}
