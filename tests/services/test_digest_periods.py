"""Weeks and quarters in Europe/London, and reading what people type after 'digest'."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.digest.subscriptions import parse_subscription
from services.errors import InvalidInput
from views import periods

LONDON = "Europe/London"


def test_the_weeks_of_the_clock_changes_are_an_hour_short_and_an_hour_long() -> None:
    spring = periods.week_starting(date(2026, 3, 29), LONDON)  # clocks forward on Sunday 29 March
    autumn = periods.week_starting(date(2026, 10, 25), LONDON)  # clocks back on Sunday 25 October
    assert (spring.start_utc, spring.end_utc) == (
        datetime(2026, 3, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 23, tzinfo=UTC),
    )
    assert spring.end_utc - spring.start_utc == timedelta(hours=167)
    assert (autumn.start_utc, autumn.end_utc) == (
        datetime(2026, 10, 18, 23, tzinfo=UTC),
        datetime(2026, 10, 26, 0, tzinfo=UTC),
    )
    assert autumn.end_utc - autumn.start_utc == timedelta(hours=169)
    assert spring.key == "2026-W13" and spring.label == "23 Mar - 29 Mar 2026"


def test_monday_0800_is_in_local_time_and_reports_on_the_week_before() -> None:
    summer_week = periods.week_starting(date(2026, 7, 6), LONDON)
    assert periods.scheduled_send(summer_week, 0, time(8, 0)) == datetime(2026, 7, 6, 7, 0, tzinfo=UTC)
    # Monday 00:30 BST is still Sunday in UTC, but the week just ended is the one before.
    assert periods.last_complete_week(datetime(2026, 7, 5, 23, 30, tzinfo=UTC), LONDON).first_day == date(2026, 6, 29)


def test_quarters_and_periods_are_parsed_or_refused_with_a_reason() -> None:
    q3 = periods.parse_quarter("2026Q3", LONDON)
    assert (q3.first_day, q3.end_day, q3.key) == (date(2026, 7, 1), date(2026, 10, 1), "2026Q3")
    assert [p.key for p in q3.history(3)] == ["2026Q1", "2026Q2", "2026Q3"]
    now = datetime(2026, 4, 8, tzinfo=UTC)
    assert periods.parse_period("2026-W13", LONDON, now=now).first_day == date(2026, 3, 23)
    assert periods.parse_period("2026-03-25", LONDON, now=now).first_day == date(2026, 3, 23)
    with pytest.raises(ValueError, match="not a period"):
        periods.parse_period("next tuesday", LONDON, now=now)


def test_subscription_commands_are_read_or_refused_with_the_usage() -> None:
    assert parse_subscription("weekly") == parse_subscription("")
    request = parse_subscription("weekly area First Contact on thu at 9.30")
    assert (request.scope, request.name, request.weekday, request.send_at) == ("area", "First Contact", 3, "09:30")
    assert parse_subscription("weekly service").scope == "service"
    for bad in ("weekly team", "weekly service Riverside", "weekly on Funday", "weekly at 25:00", "fortnightly please"):
        with pytest.raises(InvalidInput):
            parse_subscription(bad)
