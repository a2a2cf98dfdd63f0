"""The QA calendar as its cards show it: occurrences, and where each stands for the person looking."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CalendarOccurrenceView:
    """One due occurrence of a QA calendar activity, as its reminder card shows it."""

    activity: str
    name: str
    frequency: str
    due_on: date
    feeds: str
    held_on: date | None = None


class CalendarState(enum.StrEnum):
    """Where one occurrence stands: recorded as held, past its date without a record, or still to come."""

    HELD = "held"
    NOT_RECORDED = "not_recorded"
    DUE = "due"


@dataclass(frozen=True)
class CalendarRow:
    """One line of the QA calendar card."""

    occurrence: CalendarOccurrenceView
    state: CalendarState
    recordable: bool
    """The person looking may press "It happened" for it now (``services.qa_calendar.calendar_row``)."""
