"""The working-time calendar of England and Wales, pure (no I/O, no clock).

Working days are Monday to Friday except England and Wales bank holidays (from the ``holidays``
package, subdivision ENG, which covers England and Wales). Working hours are read in the
recipient's own time zone (default Europe/London), so a 09:00 reminder is 09:00 on their wall
clock in GMT and in BST alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TIME_ZONE = "Europe/London"


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The named time zone, or Europe/London when the name is missing or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def local_date(moment: datetime, time_zone: str | None = None) -> date:
    """The calendar date at ``moment`` on the wall clock of ``time_zone``."""
    return moment.astimezone(zone(time_zone)).date()


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def working_day_on_or_after(day: date) -> date:
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """``count`` working days after ``day`` (before it when negative). ``day`` itself may be a holiday."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


@dataclass(frozen=True)
class WorkingHours:
    """When people may be messaged, on their own wall clock."""

    start: time = time(9, 0)
    end: time = time(17, 0)

    def contains(self, moment: datetime, time_zone: str | None = None) -> bool:
        local = moment.astimezone(zone(time_zone))
        return is_working_day(local.date()) and self.start <= local.time() < self.end

    def opening(self, day: date, time_zone: str | None = None) -> datetime:
        """The start of working hours on ``day`` in ``time_zone``, as an aware UTC datetime."""
        return datetime.combine(day, self.start, tzinfo=zone(time_zone)).astimezone(UTC)

    def next_opening(self, moment: datetime, time_zone: str | None = None) -> datetime:
        """``moment`` itself if it is inside working hours, else the next working morning."""
        if self.contains(moment, time_zone):
            return moment
        today = local_date(moment, time_zone)
        if is_working_day(today) and moment.astimezone(zone(time_zone)).time() < self.start:
            return self.opening(today, time_zone)
        return self.opening(next_working_day(today), time_zone)
