"""The QA calendar as cards and reports see it: units, occurrences, where each stands for the
person looking, records and compliance.

Plain frozen data: ``services.qa_calendar`` decides where an occurrence stands and who may
record it (``occurrence_state``, ``calendar_row``); the cards only draw what it decided.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

SERVICE_UNIT = "service"
"""The unit key of an activity held once for the whole service."""


class UnitKind(enum.StrEnum):
    """Who holds an activity's occurrences (the calendar file's ``unit``)."""

    TEAM_MANAGER = "team_manager"
    TEAM = "team"
    SERVICE_AREA = "service_area"
    SERVICE = "service"


@dataclass(frozen=True)
class CalendarUnit:
    """One holder of occurrences: the service, a service area, a team, or a team manager.

    ``key`` is what is stored (``service``, ``area-3``, ``team-5``, ``manager-7``); ``name`` is
    the area's, team's or manager's name (empty for the service)."""

    key: str
    kind: UnitKind
    name: str = ""


SERVICE = CalendarUnit(SERVICE_UNIT, UnitKind.SERVICE)


class OccurrenceState(enum.StrEnum):
    """Where one occurrence stands (``services.qa_calendar.occurrence_state`` decides)."""

    DUE = "due"
    """Not recorded yet and not yet past its date."""
    HELD = "held"
    """Held on or before its date."""
    LATE = "late"
    """Held, but after its date."""
    MISSED = "missed"
    """Its date has passed and nothing is recorded."""


@dataclass(frozen=True)
class CalendarOccurrenceView:
    """One occurrence of a QA calendar activity in one unit."""

    activity: str
    name: str
    frequency: str
    due_on: date | None
    """None for a learning event being recorded as it happened (the date held stands for it)."""
    feeds: str
    unit: CalendarUnit = SERVICE
    methods: tuple[str, ...] = ()
    framework_responsibility: str = ""
    held_on: date | None = None


@dataclass(frozen=True)
class CalendarRow:
    """One line of the QA calendar card."""

    occurrence: CalendarOccurrenceView
    state: OccurrenceState
    recordable: bool
    """The person looking may press "Record" / "It happened" for it now (``services.qa_calendar.calendar_row``)."""


@dataclass(frozen=True)
class UnitSchedule:
    """A unit's occurrences around today, with how many stand where."""

    unit: CalendarUnit
    rows: tuple[CalendarRow, ...]

    def count(self, state: OccurrenceState) -> int:
        return sum(1 for row in self.rows if row.state == state)


@dataclass(frozen=True)
class PersonOption:
    """Someone who can be chosen on a calendar card (as attendee or action owner)."""

    id: int
    name: str


@dataclass(frozen=True)
class RecordForm:
    """What the "record what happened" card needs."""

    occurrence: CalendarOccurrenceView
    people: tuple[PersonOption, ...]
    today: date
    """No date held after it, no action due before it."""
    suggested_held_on: date
    """The date held the card starts with: the occurrence's date, or today for one still to come."""


@dataclass(frozen=True)
class RaisedAction:
    id: int
    description: str
    owner_name: str
    due_date: date


@dataclass(frozen=True)
class CalendarRecordView:
    """A recorded occurrence: when it was held, who came, what was found, the actions raised."""

    occurrence: CalendarOccurrenceView
    held_on: date
    attendees: tuple[str, ...]
    findings: str
    actions: tuple[RaisedAction, ...] = ()
    recorded_by: str = ""
    already_recorded: bool = False
    """True when this submit found the occurrence recorded already (nothing was changed)."""


@dataclass(frozen=True)
class LearningEventChoice:
    """An activity someone may record as it happens, in one of their units."""

    activity: str
    name: str
    unit: CalendarUnit


@dataclass(frozen=True)
class ActionDraft:
    """One action typed on the record card, before it is checked."""

    description: str
    owner_id: str
    due_date: str


@dataclass(frozen=True)
class RecordSubmission:
    """The record card's answers as sent (the service checks every one)."""

    held_on: str
    attendee_ids: str
    """The multi-select's comma-separated person ids."""
    findings: str
    actions: tuple[ActionDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class UnitCompliance:
    """How one unit kept one activity's dates in a period (for the QIM report)."""

    unit: CalendarUnit
    activity: str
    activity_name: str
    on_time: int
    late: int
    missed: int
    due: int
    """Not yet due or not yet past its date at the end of the period."""
    learning_events: int = 0
    """Recorded as they happened in the period (outside the scheduled dates)."""
