"""The England and Wales working-time calendar: weekends, bank holidays, BST."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services import working_time as wt

HOURS = wt.WorkingHours()


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert wt.is_working_day(date(2026, 3, 27))  # Friday
    assert not wt.is_working_day(date(2026, 3, 28))  # Saturday
    assert not wt.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not wt.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not wt.is_working_day(date(2026, 12, 28))  # Boxing Day observed


def test_counting_working_days_skips_easter() -> None:
    assert wt.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert wt.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)
    assert wt.add_working_days(date(2026, 4, 4), 0) == date(2026, 4, 4)
    assert wt.working_days_between(date(2026, 4, 2), date(2026, 4, 9)) == 3
    assert wt.working_days_between(date(2026, 4, 9), date(2026, 4, 2)) == 0
    assert wt.working_day_on_or_after(date(2026, 4, 3)) == date(2026, 4, 7)


def test_working_hours_follow_the_wall_clock_across_the_bst_change() -> None:
    # 09:00 in London is 09:00 UTC in March before the change and 08:00 UTC after it.
    assert HOURS.opening(date(2026, 3, 27)) == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    assert HOURS.opening(date(2026, 3, 30)) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert HOURS.contains(datetime(2026, 3, 30, 8, 30, tzinfo=UTC))
    assert not HOURS.contains(datetime(2026, 3, 27, 8, 30, tzinfo=UTC))
    assert HOURS.contains(datetime(2026, 3, 27, 9, 30, tzinfo=UTC), "Europe/Dublin") is True


def test_next_opening_is_the_next_working_morning() -> None:
    friday_evening = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)  # Thursday before Easter, BST
    assert HOURS.next_opening(friday_evening) == datetime(2026, 4, 7, 8, 0, tzinfo=UTC)
    early = datetime(2026, 1, 12, 7, 0, tzinfo=UTC)
    assert HOURS.next_opening(early) == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    inside = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    assert HOURS.next_opening(inside) == inside


def test_an_unknown_time_zone_falls_back_to_london() -> None:
    assert wt.zone("Mars/Olympus") == wt.zone(None) == wt.zone("Europe/London")
    assert wt.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert wt.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "America/New_York") == date(2026, 6, 30)
