"""Realistic examples of every QA calendar card, for the card catalogue and its validators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards import calendar
from cards.base import Json
from services.qa_calendar import calendar_row
from views.calendar import (
    SERVICE,
    CalendarOccurrenceView,
    CalendarRecordView,
    CalendarUnit,
    LearningEventChoice,
    PersonOption,
    RaisedAction,
    RecordForm,
    UnitKind,
    UnitSchedule,
)

TODAY = date(2026, 3, 16)
RIVERSIDE = CalendarUnit("team-1", UnitKind.TEAM, "Riverside Locality Team")
MAYA = CalendarUnit("manager-2", UnitKind.TEAM_MANAGER, "Maya Patel")
CHILDREN_IN_CARE = CalendarUnit("area-1", UnitKind.SERVICE_AREA, "Children in Care")
PEOPLE = tuple(
    PersonOption(n, name) for n, name in enumerate(["Maya Patel", "Priya Shah", "Callum Reid", "Sam Okoro"], start=1)
)
FRAMEWORK = {"methods": ("PE", "PM", "CA", "F", "PL"), "framework_responsibility": "Extended leadership team"}


def _qim(**changes: object) -> CalendarOccurrenceView:
    base: dict[str, object] = {
        "activity": "qim",
        "name": "Quality Improvement Meeting (QIM)",
        "frequency": "Quarterly",
        "due_on": date(2026, 4, 28),
        "feeds": "Self-assessment; Continuous improvement plan",
        "unit": SERVICE,
        **FRAMEWORK,
    }
    return CalendarOccurrenceView(**{**base, **changes})  # type: ignore[arg-type]


def calendar_examples() -> Iterator[tuple[str, Json]]:
    supervision = _qim(
        activity="supervision",
        name="Supervision",
        frequency="Monthly",
        due_on=date(2026, 3, 10),
        feeds="Performance clinics",
        unit=MAYA,
        methods=("PE", "PM", "PL"),
        framework_responsibility="Manager, Worker",
    )
    yield "calendar_reminder", calendar.calendar_reminder_card(_qim())
    yield "calendar_reminder_team_manager", calendar.calendar_reminder_card(supervision)
    yield (
        "calendar_reminder_qa_lead_standing_in",
        calendar.calendar_reminder_card(_qim(), standing_in_for=("qa_head_of_service", "service_director")),
    )
    yield "calendar_record", calendar.record_card(RecordForm(supervision, PEOPLE, TODAY, date(2026, 3, 10)))
    yield (
        "calendar_record_with_problems",
        calendar.record_card(
            RecordForm(supervision, PEOPLE, TODAY, date(2026, 3, 10)),
            errors={"findings": "This looks like a phone number (07700 900123): please take it out."},
            values={"held_on": "2026-03-10", "attendees": "1,2", "findings": "Call 07700 900123", "action1_what": "x"},
        ),
    )
    event = _qim(
        activity="back_to_the_floor",
        name="Back to the floor day",
        frequency="Quarterly per service area",
        due_on=None,
        unit=CHILDREN_IN_CARE,
    )
    yield "calendar_record_learning_event", calendar.record_card(RecordForm(event, PEOPLE, TODAY, TODAY))
    record = CalendarRecordView(
        occurrence=supervision,
        held_on=date(2026, 3, 12),
        attendees=("Callum Reid", "Priya Shah"),
        findings="Plans are clearer since the mapping sessions; case notes still lag for CR-1042.",
        actions=(RaisedAction(7, "Bring case notes up to date for CR-1042", "Priya Shah", date(2026, 3, 31)),),
        recorded_by="Maya Patel",
    )
    yield "calendar_recorded", calendar.recorded_card(record)
    yield (
        "calendar_already_recorded",
        calendar.recorded_card(
            CalendarRecordView(_qim(), date(2026, 4, 28), (), "", recorded_by="Quinn Adams", already_recorded=True)
        ),
    )
    rows = (
        calendar_row(_qim(due_on=date(2026, 1, 28)), responsible=True, today=TODAY),
        calendar_row(_qim(due_on=date(2026, 2, 27), held_on=date(2026, 2, 27)), responsible=True, today=TODAY),
        calendar_row(_qim(due_on=date(2026, 4, 1)), responsible=True, today=TODAY),
        calendar_row(_qim(due_on=date(2026, 7, 28)), responsible=True, today=TODAY),
    )
    team_rows = tuple(
        calendar_row(
            _qim(unit=RIVERSIDE, due_on=date(2026, 3, n + 1), held_on=date(2026, 3, n + 2)),
            responsible=False,
            today=TODAY,
        )
        for n in range(30)
    )
    schedules = [UnitSchedule(SERVICE, rows), UnitSchedule(RIVERSIDE, team_rows), UnitSchedule(MAYA, ())]
    yield "calendar_list", calendar.calendar_card(schedules, learning_events=True)
    yield "calendar_list_empty", calendar.calendar_card([])
    choices = [
        LearningEventChoice("back_to_the_floor", "Back to the floor day", CHILDREN_IN_CARE),
        LearningEventChoice("learning_from_inspections", "Learning from an inspection", SERVICE),
    ]
    yield "calendar_pick_learning_event", calendar.learning_event_picker_card(choices)
    yield "calendar_pick_learning_event_error", calendar.learning_event_picker_card(choices, error="Please choose.")
    yield "calendar_pick_learning_event_none", calendar.learning_event_picker_card([])
