"""QA calendar cards: the reminder, the record of what happened, the per-unit calendar, and
the learning-event picker.

"It happened" (and "Record") open the record card in place: date held, who attended (from the
unit's people), findings, and up to three actions. A refused submit comes back as the same
card with the problems marked and what was typed kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import Choice, ChoiceSetInput, Column, ColumnSet, Container, DateInput, TextBlock, TextInput

from cards import text_calendar as text
from cards import text_digest, verbs
from cards.actions import format_date
from cards.base import Json, action_row, card, execute, facts, heading, list_row, paragraph, title
from cards.text_organisation import ROLE_LABELS
from views.calendar import (
    CalendarOccurrenceView,
    CalendarRecordView,
    CalendarRow,
    CalendarUnit,
    LearningEventChoice,
    OccurrenceState,
    RecordForm,
    UnitSchedule,
)

QIM_ACTIVITY = "qim"
"""The QA calendar key of the Quality Improvement Meeting (``services/data/qa-calendar.yaml``)."""
ACTION_SLOTS = 3
"""How many actions the record card offers (more can be added as ordinary actions)."""
MAX_ROWS = 30
FINDINGS_LIMIT = 2000


def unit_label(unit: CalendarUnit) -> str:
    return text.UNIT_LABELS[unit.kind.value].format(name=unit.name)


def _occurrence_data(occurrence: CalendarOccurrenceView) -> Json:
    """What every calendar button carries back to bot/handlers/calendar.py."""
    return {
        "activity": occurrence.activity,
        "unit": occurrence.unit.key,
        "due_on": occurrence.due_on.isoformat() if occurrence.due_on else "",
    }


def _framework_facts(occurrence: CalendarOccurrenceView) -> list[tuple[str, str]]:
    pairs = [(text.FACT_UNIT, unit_label(occurrence.unit)), (text.FACT_DRIVES, occurrence.feeds)]
    if occurrence.framework_responsibility:
        pairs.append((text.FACT_FRAMEWORK, occurrence.framework_responsibility))
    if occurrence.methods:
        pairs.append((text.FACT_METHODS, ", ".join(text.METHOD_LABELS.get(m, m) for m in occurrence.methods)))
    return pairs


def calendar_reminder_card(occurrence: CalendarOccurrenceView, *, standing_in_for: Sequence[str] = ()) -> Json:
    """To the people responsible in one unit, ahead of an occurrence, with a button to record it.
    ``standing_in_for``: the responsible roles (stored values) nobody holds there, which the QA lead
    receiving it is reminded in place of; the card says so."""
    assert occurrence.due_on is not None
    body = [
        title(text.REMINDER_TITLE.format(name=occurrence.name)),
        paragraph(
            text.REMINDER_INTRO.format(
                name=occurrence.name,
                unit=unit_label(occurrence.unit),
                due=format_date(occurrence.due_on),
                frequency=occurrence.frequency.lower(),
            )
        ),
    ]
    if standing_in_for:
        roles = ", ".join(ROLE_LABELS.get(role, role) for role in standing_in_for)
        body.append(paragraph(text.REMINDER_STANDING_IN.format(roles=roles)))
    body += [facts(_framework_facts(occurrence)), paragraph(text.REMINDER_ASK, subtle=True)]
    buttons = [execute(text.BUTTON_IT_HAPPENED, verbs.CALENDAR_HELD, _occurrence_data(occurrence))]
    if occurrence.activity == QIM_ACTIVITY:  # the QA lead's report for the meeting, one click away
        buttons.append(execute(text_digest.REPORT_BUTTON, verbs.REPORT_QIM_LINK, {"args": ""}))
    return card(body, buttons, fallback_text=body[0].text)


def _problems(errors: dict[str, str] | None) -> list[Any]:
    return [
        TextBlock(text=message, color="Attention", wrap=True, weight="Bolder", spacing="Small")
        for message in (errors or {}).values()
    ]


def record_card(
    form: RecordForm, *, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Json:
    """The record of what happened: date held, who attended, findings, and actions raised."""
    values = values or {}
    occurrence = form.occurrence
    unit = unit_label(occurrence.unit)
    intro = (
        text.RECORD_INTRO_DUE.format(unit=unit, due=format_date(occurrence.due_on))
        if occurrence.due_on
        else text.RECORD_INTRO_AD_HOC.format(unit=unit)
    )
    people = [Choice(title=person.name, value=str(person.id)) for person in form.people]
    body: list[Any] = [title(text.RECORD_TITLE.format(name=occurrence.name)), paragraph(intro, subtle=True)]
    body += _problems(errors)
    body += [
        DateInput(
            id="held_on",
            label=text.LABEL_HELD_ON,
            is_required=True,
            error_message=text.ERROR_HELD_ON,
            max=form.today.isoformat(),
            value=values.get("held_on") or form.suggested_held_on.isoformat(),
        ),
        ChoiceSetInput(
            id="attendees",
            label=text.LABEL_ATTENDEES,
            is_multi_select=True,
            choices=people,
            value=values.get("attendees") or None,
        ),
        TextInput(
            id="findings",
            label=text.LABEL_FINDINGS,
            placeholder=text.FINDINGS_PLACEHOLDER,
            is_multiline=True,
            max_length=FINDINGS_LIMIT,
            value=values.get("findings") or None,
        ),
        heading(text.ACTIONS_HEADING),
    ]
    for number in range(1, ACTION_SLOTS + 1):
        prefix = f"action{number}_"
        body += [
            TextInput(
                id=prefix + "what",
                label=text.LABEL_ACTION_WHAT.format(number=number),
                max_length=1000,
                value=values.get(prefix + "what") or None,
            ),
            ColumnSet(
                columns=[
                    Column(
                        width="stretch",
                        items=[
                            ChoiceSetInput(
                                id=prefix + "owner",
                                label=text.LABEL_ACTION_OWNER.format(number=number),
                                choices=people,
                                value=values.get(prefix + "owner") or None,
                            )
                        ],
                    ),
                    Column(
                        width="stretch",
                        items=[
                            DateInput(
                                id=prefix + "due",
                                label=text.LABEL_ACTION_DUE.format(number=number),
                                min=form.today.isoformat(),
                                value=values.get(prefix + "due") or None,
                            )
                        ],
                    ),
                ]
            ),
        ]
    save = execute(text.BUTTON_SAVE, verbs.CALENDAR_RECORD, _occurrence_data(occurrence))
    return card(body, [save], fallback_text=body[0].text)


def recorded_card(record: CalendarRecordView) -> Json:
    """What was recorded (or found recorded already): read-only, with the actions raised."""
    occurrence = record.occurrence
    unit = unit_label(occurrence.unit)
    heading_text = text.ALREADY_RECORDED_TITLE if record.already_recorded else text.RECORDED_TITLE
    body_text = text.ALREADY_RECORDED_BODY if record.already_recorded else text.RECORDED_BODY
    body: list[Any] = [
        title(heading_text.format(name=occurrence.name)),
        paragraph(body_text.format(unit=unit, held=format_date(record.held_on))),
        facts(
            [
                (text.FACT_RECORDED_BY, record.recorded_by),
                (text.FACT_ATTENDED, ", ".join(record.attendees) or text.NOBODY),
                (text.FACT_FINDINGS, record.findings or text.NO_FINDINGS),
            ]
        ),
    ]
    if record.actions:
        body.append(heading(text.RAISED_HEADING))
        body += [
            paragraph(
                text.RAISED_LINE.format(
                    description=action.description, owner=action.owner_name, due=format_date(action.due_date)
                )
            )
            for action in record.actions
        ]
        body.append(paragraph(text.IMPACT_NOTE, subtle=True))
    return card(body, fallback_text=body[0].text)


def _state_label(state: OccurrenceState, held_on: date | None) -> str:
    return text.STATE_LABELS[state.value].format(held=format_date(held_on) if held_on else "")


def _row(row: CalendarRow) -> Container:
    occurrence, state = row.occurrence, row.state
    assert occurrence.due_on is not None
    line = f"{format_date(occurrence.due_on)} \u00b7 {occurrence.frequency} \u00b7 {_state_label(state, occurrence.held_on)}"
    who = occurrence.framework_responsibility
    methods = " ".join(occurrence.methods)
    texts = [
        TextBlock(text=occurrence.name, wrap=True, weight="Bolder"),
        TextBlock(text=line, wrap=True, is_subtle=True, spacing="None"),
        TextBlock(text=f"{who} \u00b7 {methods}", wrap=True, is_subtle=True, spacing="None", size="Small"),
    ]
    buttons: list[Any] = []
    if row.recordable:
        label = text.BUTTON_IT_HAPPENED if state == OccurrenceState.MISSED else text.BUTTON_RECORD
        buttons = [action_row(execute(label, verbs.CALENDAR_HELD, _occurrence_data(occurrence)))]
    return list_row(texts, buttons)


def calendar_card(schedules: Sequence[UnitSchedule], *, learning_events: bool = False) -> Json:
    """The QA calendar per unit the viewer holds or oversees: due, held, late or missed."""
    body: list[Any] = [title(text.LIST_TITLE), paragraph(text.LIST_INTRO, subtle=True)]
    if not any(schedule.rows for schedule in schedules):
        body.append(paragraph(text.LIST_EMPTY))
    shown = hidden = 0
    for schedule in schedules:
        if not schedule.rows:
            continue
        summary = text.UNIT_SUMMARY.format(
            held=schedule.count(OccurrenceState.HELD),
            late=schedule.count(OccurrenceState.LATE),
            missed=schedule.count(OccurrenceState.MISSED),
            due=schedule.count(OccurrenceState.DUE),
        )
        body += [heading(unit_label(schedule.unit)), paragraph(summary, subtle=True, spacing="None")]
        for row in schedule.rows:
            if shown >= MAX_ROWS:
                hidden += 1
                continue
            body.append(_row(row))
            shown += 1
    if hidden:
        body.append(paragraph(text.MORE_NOT_SHOWN.format(count=hidden), subtle=True))
    buttons = [execute(text.BUTTON_LEARNING_EVENT, verbs.CALENDAR_PICK)] if learning_events else None
    return card(body, buttons, fallback_text=text.LIST_TITLE)


def learning_event_picker_card(choices: Sequence[LearningEventChoice], *, error: str | None = None) -> Json:
    """Which learning event to record, for which unit (only those the person is responsible for)."""
    body: list[Any] = [title(text.PICK_TITLE), paragraph(text.PICK_INTRO, subtle=True)]
    if not choices:
        body.append(paragraph(text.PICK_NONE))
        return card(body, fallback_text=text.PICK_TITLE)
    if error:
        body += _problems({"choice": error})
    body.append(
        ChoiceSetInput(
            id="choice",
            label=text.LABEL_PICK,
            is_required=True,
            error_message=text.ERROR_PICK,
            choices=[
                Choice(
                    title=text.PICK_CHOICE.format(name=choice.name, unit=unit_label(choice.unit)),
                    value=f"{choice.activity}|{choice.unit.key}",
                )
                for choice in choices
            ],
        )
    )
    return card(body, [execute(text.BUTTON_NEXT, verbs.CALENDAR_OPEN_EVENT)], fallback_text=text.PICK_TITLE)
