"""The QA calendar: Appendix 2 as data, per-unit occurrences, recording what happened, compliance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.errors import InvalidInput, NotAllowed
from services.qa_calendar import RECORD_AHEAD_DAYS, calendar_row, load_calendar, occurrence_state, upcoming
from storage.models import Action, ActionSource, CalendarAttendee, CalendarOccurrence
from tests.support.action_org import Org, add_senior_manager, make_org
from views.calendar import ActionDraft, CalendarOccurrenceView, OccurrenceState, RecordSubmission, UnitKind

CALENDAR = {activity.key: activity for activity in load_calendar()}


def test_the_calendar_file_holds_the_frameworks_cadence_per_unit() -> None:
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
        "back_to_the_floor": 4,
        "peer_challenge": 1,
        "learning_from_inspections": 0,
        "dispute_resolution": 0,
    }
    assert CALENDAR["supervision"].unit == UnitKind.TEAM_MANAGER
    assert CALENDAR["practice_days"].unit == UnitKind.SERVICE_AREA  # "annual per service"
    assert CALENDAR["qim"].unit == UnitKind.SERVICE
    assert CALENDAR["qim"].methods == ("PE", "PM", "CA", "F", "PL")
    assert CALENDAR["moderation_group"].framework_responsibility.startswith("Head of Service")
    assert {key for key, activity in CALENDAR.items() if activity.ad_hoc} == {
        "back_to_the_floor",
        "peer_challenge",
        "learning_from_inspections",
        "dispute_resolution",
    }


def test_each_activity_reminds_the_roles_appendix_2_names() -> None:
    """Appendix 2's "Responsibility" column in qop's roles (``senior_manager``: senior managers and
    Heads of Service); the QA lead stands in wherever nobody holds one."""
    assert {key: activity.responsible for key, activity in CALENDAR.items()} == {
        "supervision": ("team_manager",),
        "performance_clinic": ("senior_manager", "team_manager"),
        "senior_leadership_performance_clinic": ("service_director", "senior_manager", "performance_analyst"),
        "qim": ("qa_head_of_service",),
        "practice_days": ("senior_manager",),
        "moderation_group": ("qa_lead", "senior_manager", "principal_social_worker", "iro_manager"),
        "self_assessment": ("senior_manager", "qa_lead"),
        "continuous_improvement_plan": ("qa_head_of_service",),
        "performance_qa_report": ("qa_head_of_service", "performance_analyst"),
        "service_wide_report": ("qa_head_of_service",),
        "back_to_the_floor": ("senior_manager",),
        "peer_challenge": ("qa_lead",),
        "learning_from_inspections": ("qa_head_of_service",),
        "dispute_resolution": ("senior_manager", "iro_manager"),
    }


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


def test_an_occurrence_is_due_held_late_or_missed() -> None:
    due = date(2026, 3, 10)
    assert occurrence_state(due, None, date(2026, 3, 10)) == OccurrenceState.DUE
    assert occurrence_state(due, None, date(2026, 3, 11)) == OccurrenceState.MISSED
    assert occurrence_state(due, date(2026, 3, 10), date(2026, 4, 1)) == OccurrenceState.HELD
    assert occurrence_state(due, date(2026, 3, 12), date(2026, 4, 1)) == OccurrenceState.LATE


def test_a_calendar_row_says_where_an_occurrence_stands_and_who_may_record_it() -> None:
    today = date(2026, 3, 16)

    def row(due: date, *, held_on: date | None = None, responsible: bool = True):  # type: ignore[no-untyped-def]
        occurrence = CalendarOccurrenceView("qim", "QIM", "Quarterly", due, "Self-assessment", held_on=held_on)
        return calendar_row(occurrence, responsible=responsible, today=today)

    assert row(date(2026, 3, 10), held_on=date(2026, 3, 10)).state == OccurrenceState.HELD
    assert not row(date(2026, 3, 10), held_on=date(2026, 3, 10)).recordable
    assert row(date(2026, 3, 10), held_on=date(2026, 3, 12)).state == OccurrenceState.LATE
    assert not row(date(2026, 3, 10), held_on=date(2026, 3, 12)).recordable
    assert row(date(2026, 3, 10)).state == OccurrenceState.MISSED
    assert row(date(2026, 3, 10)).recordable
    assert row(today).state == OccurrenceState.DUE
    last_day = date.fromordinal(today.toordinal() + RECORD_AHEAD_DAYS)
    assert row(last_day).recordable
    assert not row(date.fromordinal(last_day.toordinal() + 1)).recordable
    assert not row(today, responsible=False).recordable


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{key: qim, name: QIM, frequency: Q, months: [13], day: 1, unit: service, responsible: [qa_lead]}", "1-12"),
        (
            "{key: qim, name: QIM, frequency: Q, months: all, day: 1, unit: service, responsible: [cook]}",
            "unknown role",
        ),
        (
            "{key: qim, name: QIM, frequency: Q, months: all, day: 1, unit: ward, responsible: [qa_lead]}",
            "unit must be",
        ),
        ("{key: qim, name: QIM, frequency: Q, months: all, day: 1, responsible: [qa_lead]}", "missing unit"),
        ("{key: qim, name: QIM, frequency: Q, months: [], day: 1, unit: service, responsible: [qa_lead]}", "ad_hoc"),
        (
            "{key: s, name: S, frequency: M, months: all, day: 1, unit: team_manager, responsible: [qa_lead]}",
            "needs team_manager",
        ),
        (
            "{key: s, name: S, frequency: M, months: all, day: 1, unit: team, responsible: [qa_lead], methods: [XX]}",
            "unknown method",
        ),
    ],
)
def test_a_broken_calendar_file_names_the_activity(tmp_path: Path, entry: str, problem: str) -> None:
    broken = tmp_path / "calendar.yaml"
    broken.write_text(f"activities:\n  - {entry}\n")
    with pytest.raises(ValueError, match=problem):
        load_calendar(broken)


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions)


@pytest.fixture
def on_12_march(clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, 12, 10, 0, tzinfo=UTC))


def _submission(held: str = "2026-03-10", attendees: str = "", findings: str = "", *actions: ActionDraft):  # type: ignore[no-untyped-def]
    return RecordSubmission(held, attendees, findings, tuple(actions))


async def _area_unit(services) -> str:  # type: ignore[no-untyped-def]
    """The unit key of the organisation's Children in Care service area."""
    from storage.models import ServiceArea

    async with services.sessions() as session:
        area = await session.scalar(select(ServiceArea.id).where(ServiceArea.name == "Children in Care"))
    return f"area-{area}"


async def test_reminder_recipients_are_the_responsible_people_of_each_unit(services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    from services.qa_calendar import _Organisation
    from storage.db import transaction

    senior = await add_senior_manager(sessions)
    elsewhere = await add_senior_manager(sessions, number=8, name="Erin Lowe", area="Early Help")
    async with transaction(sessions) as session:
        organisation = await _Organisation.load(session)
    units = {a: organisation.units_for(CALENDAR[a]) for a in ("supervision", "practice_days", "qim")}
    assert {u.key for u in units["supervision"]} == {f"manager-{org.manager}", f"manager-{org.other_manager}"}
    assert {u.name for u in units["practice_days"]} == {"Children in Care", "Early Help"}
    for unit in units["supervision"]:
        assert organisation.responsible(CALENDAR["supervision"], unit.key) == [int(unit.key.split("-")[1])]
    in_care = next(u for u in units["practice_days"] if u.name == "Children in Care")
    early_help = next(u for u in units["practice_days"] if u.name == "Early Help")
    assert organisation.responsible(CALENDAR["practice_days"], in_care.key) == [senior]
    assert organisation.responsible(CALENDAR["practice_days"], early_help.key) == [elsewhere]
    clinic = set(organisation.responsible(CALENDAR["performance_clinic"], in_care.key))
    assert clinic == {senior, org.manager, org.other_manager}
    assert organisation.responsible(CALENDAR["qim"], "service") == [org.qa_lead]


async def test_the_frameworks_roles_are_responsible_and_the_qa_lead_stands_in_for_the_unheld(
    services, org: Org, sessions
) -> None:  # type: ignore[no-untyped-def]
    from services.qa_calendar import _Organisation
    from storage.db import transaction
    from storage.models import Role
    from tests.support.action_org import add_role_holder

    area = await _area_unit(services)
    async with transaction(sessions) as session:
        before = await _Organisation.load(session)
    assert before.responsible(CALENDAR["qim"], "service") == [org.qa_lead]
    assert before.stands_in(CALENDAR["qim"], "service", org.qa_lead) == ("qa_head_of_service",)
    assert before.responsible(CALENDAR["practice_days"], area) == [org.qa_lead]  # no senior manager yet
    assert set(before.responsible(CALENDAR["performance_clinic"], area, stand_ins=False)) == {
        org.manager,
        org.other_manager,
    }

    head = await add_senior_manager(sessions, number=7, name="Hana Reid", role=Role.HEAD_OF_SERVICE)
    psw = await add_role_holder(sessions, Role.PRINCIPAL_SOCIAL_WORKER, number=8, name="Pat Lowe")
    iro = await add_role_holder(sessions, Role.IRO_MANAGER, number=9, name="Ira Stone")
    qa_head = await add_role_holder(sessions, Role.QA_HEAD_OF_SERVICE, number=10, name="Nia Brooks")
    async with transaction(sessions) as session:
        after = await _Organisation.load(session)
    assert after.responsible(CALENDAR["practice_days"], area) == [head]
    assert set(after.responsible(CALENDAR["performance_clinic"], area)) == {head, org.manager, org.other_manager}
    assert after.responsible(CALENDAR["moderation_group"], "service") == [org.qa_lead, head, psw, iro]
    assert after.stands_in(CALENDAR["moderation_group"], "service", org.qa_lead) == ()
    assert after.responsible(CALENDAR["qim"], "service") == [qa_head]  # the QA lead no longer stands in
    assert after.responsible(CALENDAR["dispute_resolution"], area) == [head, iro]
    # The service director and performance analysts are not in this organisation: the QA lead stands in.
    leadership = CALENDAR["senior_leadership_performance_clinic"]
    assert after.responsible(leadership, "service") == [head, org.qa_lead]
    assert after.stands_in(leadership, "service", org.qa_lead) == ("service_director", "performance_analyst")
    assert after.stands_in(leadership, "service", head) == ()


async def test_recording_needs_the_responsible_person_of_that_unit(services, org: Org, on_12_march) -> None:  # type: ignore[no-untyped-def]
    calendar = services.qa_calendar
    mine, theirs = f"manager-{org.manager}", f"manager-{org.other_manager}"
    with pytest.raises(NotAllowed):
        await calendar.record("supervision", theirs, date(2026, 3, 10), _submission(), person_id=org.manager)
    with pytest.raises(NotAllowed):
        await calendar.record("qim", "service", date(2026, 1, 28), _submission("2026-01-28"), person_id=org.manager)
    with pytest.raises(InvalidInput, match="out of date"):  # not a date the calendar holds it on
        await calendar.record("supervision", mine, date(2026, 3, 11), _submission(), person_id=org.manager)
    with pytest.raises(InvalidInput, match="out of date"):  # a unit that is not the activity's
        await calendar.record("supervision", "team-999", date(2026, 3, 10), _submission(), person_id=org.manager)


async def test_the_record_card_checks_every_answer(services, org: Org, on_12_march) -> None:  # type: ignore[no-untyped-def]
    calendar, mine = services.qa_calendar, f"manager-{org.manager}"
    bad = _submission(
        "",
        f"{org.practitioner},{org.outsider}",  # Olivia is in the other team
        "Spoke to mum on 07700 900123 about the plan",
        ActionDraft("Update the plan", "abc", "2026-03-01"),
        ActionDraft("", str(org.practitioner), ""),
    )
    with pytest.raises(InvalidInput) as refused:
        await calendar.record("supervision", mine, date(2026, 3, 10), bad, person_id=org.manager)
    errors = refused.value.field_errors
    assert set(errors) == {
        "held_on",
        "attendees",
        "findings",
        "action1_owner",
        "action1_due",
        "action2_what",
        "action2_due",
    }
    assert "phone number" in errors["findings"]
    with pytest.raises(InvalidInput) as future:
        await calendar.record("supervision", mine, date(2026, 3, 10), _submission("2026-03-13"), person_id=org.manager)
    assert set(future.value.field_errors) == {"held_on"}
    with pytest.raises(InvalidInput) as not_ids:
        await calendar.record(
            "supervision", mine, date(2026, 3, 10), _submission(attendees="1;2"), person_id=org.manager
        )
    assert set(not_ids.value.field_errors) == {"attendees"}
    async with services.sessions() as session:
        assert await session.scalar(select(func.count(CalendarOccurrence.id))) == 0


async def test_a_record_keeps_who_came_what_was_found_and_raises_actions_once(services, org: Org, on_12_march) -> None:  # type: ignore[no-untyped-def]
    calendar, mine = services.qa_calendar, f"manager-{org.manager}"
    submission = _submission(
        "2026-03-10",
        f"{org.practitioner},{org.colleague}",
        "Plans are clearer since mapping; visits for CR-1042 are behind.",
        ActionDraft("Catch up the visits for CR-1042", str(org.practitioner), "2026-03-31"),
    )
    first = await calendar.record("supervision", mine, date(2026, 3, 10), submission, person_id=org.manager)
    assert not first.already_recorded and first.held_on == date(2026, 3, 10)
    assert first.attendees == ("Callum Reid", "Priya Shah") and "CR-1042" in first.findings
    assert [(a.description, a.owner_name) for a in first.actions] == [("Catch up the visits for CR-1042", "Priya Shah")]
    again = await calendar.record("supervision", mine, date(2026, 3, 10), submission, person_id=org.manager)
    assert again.already_recorded and len(again.actions) == 1
    opened = await calendar.open_record("supervision", mine, date(2026, 3, 10), person_id=org.manager)
    assert opened.already_recorded  # the button shows the record instead of a second form
    async with services.sessions() as session:
        [occurrence] = list(await session.scalars(select(CalendarOccurrence)))
        assert occurrence.unit == mine and occurrence.findings.startswith("Plans are clearer")
        assert await session.scalar(select(func.count(CalendarAttendee.id))) == 2
        [action] = list(await session.scalars(select(Action)))
        assert action.source == ActionSource.QA_CALENDAR.value and action.source_ref == f"calendar:{occurrence.id}"
        assert action.created_by_id == org.manager and action.owner_id == org.practitioner
    # The other manager's supervision for the same date is still theirs to record.
    other = await calendar.record(
        "supervision", f"manager-{org.other_manager}", date(2026, 3, 10), _submission(), person_id=org.other_manager
    )
    assert not other.already_recorded


async def test_learning_events_are_recorded_as_they_happen(services, org: Org, sessions, on_12_march) -> None:  # type: ignore[no-untyped-def]
    calendar = services.qa_calendar
    senior = await add_senior_manager(sessions)
    choices = await calendar.learning_event_choices(senior)
    assert {c.activity for c in choices} == {"back_to_the_floor", "dispute_resolution"}
    area = choices[0].unit.key
    assert {c.activity for c in await calendar.learning_event_choices(org.qa_lead)} == {
        "peer_challenge",
        "learning_from_inspections",  # standing in for the QA Head of Service, whom nobody holds
        "dispute_resolution",  # standing in for the IRO manager
    }
    form = await calendar.open_record("dispute_resolution", area, None, person_id=senior)
    assert form.occurrence.due_on is None and {p.id for p in form.people} >= {org.manager, org.practitioner, senior}
    event = _submission("2026-03-02", str(org.manager), "Agreed threshold wording with the IRO service.")
    first = await calendar.record("dispute_resolution", area, None, event, person_id=senior)
    again = await calendar.record("dispute_resolution", area, None, event, person_id=senior)
    assert not first.already_recorded and again.already_recorded
    # Back to the floor is planned in March: held on 5 March, it is the March occurrence.
    floor = await calendar.record("back_to_the_floor", area, None, _submission("2026-03-05"), person_id=senior)
    assert floor.occurrence.due_on == date(2026, 3, 12) and floor.held_on == date(2026, 3, 5)
    with pytest.raises(InvalidInput, match="out of date"):  # supervision is not recorded ad hoc
        await calendar.record("supervision", f"manager-{org.manager}", None, _submission(), person_id=org.manager)
    async with sessions() as session:
        rows = list(await session.execute(select(CalendarOccurrence.activity, CalendarOccurrence.ad_hoc)))
    assert sorted(rows) == [("back_to_the_floor", False), ("dispute_resolution", True)]


async def test_the_calendar_shows_each_viewer_the_units_they_hold_or_oversee(
    services, org: Org, sessions, on_12_march
) -> None:  # type: ignore[no-untyped-def]
    calendar = services.qa_calendar
    senior = await add_senior_manager(sessions)
    await calendar.record(
        "supervision", f"manager-{org.manager}", date(2026, 3, 10), _submission("2026-03-11"), person_id=org.manager
    )

    def units(schedules) -> set[str]:  # type: ignore[no-untyped-def]
        return {s.unit.key for s in schedules}

    mine = await calendar.schedule(org.manager)
    area = await _area_unit(services)
    assert units(mine) == {"service", area, f"manager-{org.manager}"}
    [supervision] = [s for s in mine if s.unit.key == f"manager-{org.manager}"]
    march = next(r for r in supervision.rows if r.occurrence.due_on == date(2026, 3, 10))
    assert march.state == OccurrenceState.LATE and not march.recordable
    february = next(r for r in supervision.rows if r.occurrence.due_on == date(2026, 2, 10))
    assert february.state == OccurrenceState.MISSED and february.recordable
    everything = units(await calendar.schedule(org.qa_lead))
    assert everything == {"service", area, f"manager-{org.manager}", f"manager-{org.other_manager}"}
    assert units(await calendar.schedule(senior)) == everything
    assert units(await calendar.schedule(org.outsider)) == {"service", area, f"manager-{org.other_manager}"}
    assert not any(r.recordable for s in await calendar.schedule(org.outsider) for r in s.rows)


async def test_compliance_per_unit_for_a_period(services, org: Org, clock) -> None:  # type: ignore[no-untyped-def]
    calendar = services.qa_calendar
    clock.set(datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    mine, theirs = f"manager-{org.manager}", f"manager-{org.other_manager}"
    await calendar.record("supervision", mine, date(2026, 1, 12), _submission("2026-01-12"), person_id=org.manager)
    await calendar.record("supervision", mine, date(2026, 2, 10), _submission("2026-02-13"), person_id=org.manager)
    await calendar.record(
        "supervision", theirs, date(2026, 3, 10), _submission("2026-03-09"), person_id=org.other_manager
    )
    await calendar.record(
        "learning_from_inspections", "service", None, _submission("2026-02-20"), person_id=org.qa_lead
    )
    figures = await calendar.compliance(date(2026, 1, 1), date(2026, 3, 31))
    by_unit = {(f.activity, f.unit.key): (f.on_time, f.late, f.missed, f.due, f.learning_events) for f in figures}
    assert by_unit[("supervision", mine)] == (1, 1, 1, 0, 0)
    assert by_unit[("supervision", theirs)] == (1, 0, 2, 0, 0)
    assert by_unit[("self_assessment", "service")] == (0, 0, 0, 1, 0)  # due 31 March, still to come
    assert by_unit[("learning_from_inspections", "service")] == (0, 0, 0, 0, 1)
    assert ("dispute_resolution", await _area_unit(services)) not in by_unit  # nothing planned, nothing held
