"""The QA calendar: Appendix 2 as data, its occurrences, and recording that they happened."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.errors import NotAllowed
from services.qa_calendar import RECORD_AHEAD_DAYS, calendar_row, load_calendar, upcoming
from storage.models import CalendarOccurrence
from tests.support.action_org import Org, make_org
from views.qa_calendar import CalendarOccurrenceView, CalendarState

CALENDAR = {activity.key: activity for activity in load_calendar()}


def test_the_calendar_file_holds_the_frameworks_cadence() -> None:
    months_per_year = {key: len(activity.months) for key, activity in CALENDAR.items()}
    assert months_per_year == {
        "supervision": 12,
        "performance_clinic": 12,
        "senior_leadership_performance_clinic": 12,
        "qim": 4,
        "practice_days": 1,
        "moderation_group": 6,
        "self_assessment": 1,
        "continuous_improvement_plan": 1,
        "performance_qa_report": 4,
        "service_wide_report": 2,
    }
    assert CALENDAR["qim"].responsible == ("qa_lead",)
    assert CALENDAR["moderation_group"].frequency == "Bi-monthly"


def test_a_due_day_that_is_not_a_working_day_moves_to_the_next_one() -> None:
    assert CALENDAR["supervision"].due_in(2026, 1) == date(2026, 1, 12)  # the 10th is a Saturday
    assert CALENDAR["self_assessment"].due_in(2026, 3) == date(2026, 3, 31)
    assert CALENDAR["qim"].due_in(2026, 2) is None
    assert CALENDAR["service_wide_report"].due_in(2027, 9) == date(2027, 9, 30)


def test_occurrences_come_up_from_their_reminder_day_until_they_are_due() -> None:
    qim = CALENDAR["qim"]  # 28 April 2026, reminded 10 working days before (Easter in between)
    assert qim.reminder_day(date(2026, 4, 28)) == date(2026, 4, 14)
    assert (qim, date(2026, 4, 28)) not in upcoming([qim], date(2026, 4, 13))
    assert upcoming([qim], date(2026, 4, 14)) == [(qim, date(2026, 4, 28))]
    assert upcoming([qim], date(2026, 4, 28)) == [(qim, date(2026, 4, 28))]
    assert upcoming([qim], date(2026, 4, 29)) == []


def test_a_calendar_row_says_where_an_occurrence_stands_and_who_may_record_it() -> None:
    today = date(2026, 3, 16)

    def row(due: date, *, recorded: bool = False, responsible: bool = True):  # type: ignore[no-untyped-def]
        occurrence = CalendarOccurrenceView("qim", "QIM", "Quarterly", due, "Self-assessment")
        return calendar_row(occurrence, recorded=recorded, responsible=responsible, today=today)

    assert row(date(2026, 3, 10), recorded=True).state == CalendarState.HELD
    assert not row(date(2026, 3, 10), recorded=True).recordable
    assert row(date(2026, 3, 10)).state == CalendarState.NOT_RECORDED
    assert row(date(2026, 3, 10)).recordable
    assert row(today).state == CalendarState.DUE
    last_day = date.fromordinal(today.toordinal() + RECORD_AHEAD_DAYS)
    assert row(last_day).recordable
    assert not row(date.fromordinal(last_day.toordinal() + 1)).recordable
    assert not row(today, responsible=False).recordable


def test_a_broken_calendar_file_names_the_activity(tmp_path: Path) -> None:
    broken = tmp_path / "calendar.yaml"
    broken.write_text(
        "activities:\n  - {key: qim, name: QIM, frequency: Quarterly, months: [13], day: 1, responsible: [qa_lead]}\n"
    )
    with pytest.raises(ValueError, match=r"activity 1 \(qim\): months must be 1-12"):
        load_calendar(broken)
    broken.write_text(
        "activities:\n  - {key: qim, name: QIM, frequency: Quarterly, months: all, day: 1, responsible: [cook]}\n"
    )
    with pytest.raises(ValueError, match="unknown role"):
        load_calendar(broken)


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions)


async def test_only_the_responsible_people_record_an_occurrence_once(services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        await services.qa_calendar.record_held("qim", date(2026, 1, 28), person_id=org.practitioner)
    first = await services.qa_calendar.record_held("qim", date(2026, 1, 28), person_id=org.qa_lead)
    again = await services.qa_calendar.record_held("qim", date(2026, 1, 28), person_id=org.qa_lead)
    assert first.held_on == again.held_on == date(2026, 1, 12)
    # A team manager holds supervision (they manage a team) without being given the role by hand.
    await services.qa_calendar.record_held("supervision", date(2026, 2, 10), person_id=org.manager)
    async with sessions() as session:
        assert await session.scalar(select(func.count(CalendarOccurrence.id))) == 2
