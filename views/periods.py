"""Reporting periods in the organisation's local time (Europe/London), as UTC instants for queries.

A week starts on Monday at 00:00 *local* time, so the week containing the last Sunday of March is
one hour shorter (167 hours) and the week containing the last Sunday of October one hour longer
(169 hours). Queries compare stored UTC instants with ``start_utc <= t < end_utc``; the
boundaries are computed here, never by adding 7 * 24 hours to a UTC instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
HALF_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*H([12])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A span of local dates ``[first_day, end_day)`` and the same span as UTC instants."""

    kind: str
    """week | quarter | half (January to June, July to December)"""
    first_day: date
    end_day: date
    """The day after the last day (exclusive)."""
    time_zone: str

    @property
    def start_utc(self) -> datetime:
        return local_midnight_utc(self.first_day, self.time_zone)

    @property
    def end_utc(self) -> datetime:
        return local_midnight_utc(self.end_day, self.time_zone)

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def key(self) -> str:
        """Stable name: ``2026-W13`` for weeks (ISO), ``2026Q3`` for quarters, ``2026H1`` for half-years."""
        if self.kind == "half":
            return f"{self.first_day.year}H{1 if self.first_day.month <= 6 else 2}"
        if self.kind == "quarter":
            return f"{self.first_day.year}Q{(self.first_day.month - 1) // 3 + 1}"
        year, week, _ = self.first_day.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def label(self) -> str:
        """``23 Mar - 29 Mar 2026`` (weeks), ``Jul - Sep 2026 (2026Q3)`` (quarters), ``Jan - Jun 2026 (2026H1)``."""
        if self.kind in ("quarter", "half"):
            return f"{self.first_day:%b} - {self.last_day:%b %Y} ({self.key})"
        return f"{self.first_day.day} {self.first_day:%b} - {self.last_day.day} {self.last_day:%b %Y}"

    @property
    def short_label(self) -> str:
        """For chart axes: ``23 Mar`` or ``2026Q3``."""
        return self.key if self.kind in ("quarter", "half") else f"{self.first_day.day} {self.first_day:%b}"

    def previous(self, count: int = 1) -> Period:
        if self.kind == "half":
            return half_year_of(_add_months(self.first_day, -6 * count), self.time_zone)
        if self.kind == "quarter":
            return quarter_of(_add_months(self.first_day, -3 * count), self.time_zone)
        return week_starting(self.first_day - timedelta(weeks=count), self.time_zone)

    def history(self, length: int) -> list[Period]:
        """The ``length`` periods ending with this one, oldest first."""
        return [self.previous(back) for back in range(length - 1, 0, -1)] + [self]


def local_midnight_utc(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def week_starting(day: date, time_zone: str) -> Period:
    """The Monday-to-Sunday week containing ``day``."""
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=7), time_zone)


def last_complete_week(moment: datetime, time_zone: str) -> Period:
    """The latest week that had ended by ``moment`` (local time): on a Monday, last week."""
    return week_starting(local_date(moment, time_zone), time_zone).previous()


def quarter_of(day: date, time_zone: str) -> Period:
    """The calendar quarter containing ``day`` (Q1 = January to March)."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period("quarter", first, _add_months(first, 3), time_zone)


def parse_quarter(value: str, time_zone: str) -> Period:
    """``2026Q3`` (also ``2026-Q3``) -> July to September 2026. Raises ValueError otherwise."""
    match = QUARTER_PATTERN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a quarter; write it like 2026Q3")
    return quarter_of(date(int(match.group(1)), 3 * (int(match.group(2)) - 1) + 1, 1), time_zone)


def half_year_of(day: date, time_zone: str) -> Period:
    """The half-year containing ``day``: H1 = January to June, H2 = July to December."""
    first = date(day.year, 1 if day.month <= 6 else 7, 1)
    return Period("half", first, _add_months(first, 6), time_zone)


def parse_half_year(value: str, time_zone: str) -> Period:
    """``2026H1`` (also ``2026-H1``) -> January to June 2026. Raises ValueError otherwise."""
    match = HALF_PATTERN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a half-year; write it like 2026H1")
    return half_year_of(date(int(match.group(1)), 6 * (int(match.group(2)) - 1) + 1, 1), time_zone)


def parse_report_period(value: str, time_zone: str) -> Period:
    """A report's period: a quarter (``2026Q3``) or a half-year (``2026H1``). Raises ValueError."""
    if HALF_PATTERN.match(value):
        return parse_half_year(value, time_zone)
    return parse_quarter(value, time_zone)


def parse_period(value: str, time_zone: str, *, now: datetime) -> Period:
    """A week given by any of its dates (``2026-03-23``) or ISO name (``2026-W13``), a quarter
    (``2026Q3``), or ``last`` (the last complete week). Raises ValueError with a reason."""
    text = value.strip()
    if text.lower() in ("", "last", "last-week"):
        return last_complete_week(now, time_zone)
    if QUARTER_PATTERN.match(text):
        return parse_quarter(text, time_zone)
    iso = re.match(r"^(\d{4})-W(\d{2})$", text, re.IGNORECASE)
    try:
        if iso:
            return week_starting(date.fromisocalendar(int(iso.group(1)), int(iso.group(2)), 1), time_zone)
        return week_starting(date.fromisoformat(text), time_zone)
    except ValueError:
        raise ValueError(f"{value!r} is not a period; write a date (2026-03-23), a week (2026-W13) or 2026Q3") from None


def scheduled_send(period_after: Period, weekday: int, at: time) -> datetime:
    """When the digest of the week *before* ``period_after`` is due: ``weekday`` (0 = Monday) of
    ``period_after`` at local time ``at``, as UTC."""
    day = period_after.first_day + timedelta(days=weekday)
    return datetime.combine(day, at, tzinfo=ZoneInfo(period_after.time_zone)).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
