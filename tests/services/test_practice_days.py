"""Practice days against real databases: planning with cross-team pairs, the day's start through
the ordinary round, the end with its summary, calendar record and spreadsheet, and the refusals."""

from __future__ import annotations

import asyncio
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from qop.app import build_services
from services.audits.practice_day_workbook import workbook_bytes
from services.audits.practice_days import LinkRefused, pair_cases
from services.audits.rounds import CheckedCase
from services.clock import FrozenClock
from services.container import Services
from services.digest.builder import Scope
from services.errors import InvalidInput, NotAllowed
from services.feedback.tokens import Signer
from services.person_rights.export import collect
from services.retention import RetentionService, load_policy
from storage.models import (
    AccessLogEntry,
    Action,
    AuditAssignment,
    AuditRound,
    CalendarOccurrence,
    Person,
    PracticeDay,
    PracticeDayCase,
    PracticeDayStatus,
    Team,
)
from tests.support.action_org import add_senior_manager
from tests.support.audits import AuditOrg, card_text, make_audit_org
from tests.support.outbox import RecordingOutbox
from tests.support.practice_days import submit_all
from views.periods import quarter_of
from views.practice_days import PlanRequest

PRIYA, CALLUM, OLIVIA = "priya@council.example.gov.uk", "callum@council.example.gov.uk", "olivia@council.example.gov.uk"
RIVERSIDE, HILLSIDE = "Riverside Locality Team", "Hillside Children in Care Team"
SENIOR = "29:user-8"
DAY = date(2026, 1, 14)
"""A Wednesday, two days after the test clock's Monday."""
CASES = f"LCS100001,{RIVERSIDE},{PRIYA}\nLCS100002,{RIVERSIDE},{CALLUM}\nLCS100003,{HILLSIDE},{OLIVIA}"


def _morning(day: date, hour: int = 7, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)  # January: London is on UTC


async def _area_id(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(Team.service_area_id).where(Team.name == RIVERSIDE)))


async def _request(sessions, audit_org: AuditOrg, **changes) -> PlanRequest:  # type: ignore[no-untyped-def]
    values = {
        "held_on": DAY,
        "service_area_id": await _area_id(sessions),
        "template_id": "standard-collaborative-audit",
        "cases_csv": CASES,
        "auditor_ids": (audit_org.org.manager, audit_org.org.other_manager),
    }
    return PlanRequest(**{**values, **changes})


async def _planned(services: Services, sessions) -> tuple[AuditOrg, int]:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    planned = await services.audits.practice_days.plan(SENIOR, await _request(sessions, audit_org))
    return audit_org, planned.day_id


async def _day_with_every_audit_in(services: Services, clock: FrozenClock, sessions) -> int:  # type: ignore[no-untyped-def]
    """A planned day, started on its morning, every audit submitted by 11:00: its id."""
    _, day_id = await _planned(services, sessions)
    clock.set(_morning(DAY))
    await services.audits.practice_days.run_due()
    clock.set(_morning(DAY, hour=11))
    await submit_all(services, sessions)
    return day_id


def _last_card(outbox: RecordingOutbox, person_id: int) -> dict:  # type: ignore[type-arg]
    return [card for person, card, _ in outbox.sent if person == person_id][-1]


# -- pairing ----------------------------------------------------------------------------------------


def _case(ref: str, team: int, practitioner: int) -> CheckedCase:
    return CheckedCase(0, ref, Team(id=team, name=f"T{team}", service_area_id=1), Person(id=practitioner))


def test_pairing_never_gives_an_auditor_a_case_of_their_own_team_and_shares_the_cases_out() -> None:
    from services.audits.practice_days import Auditor

    cases = [_case(f"C{n}", team=1 if n < 4 else 2, practitioner=100 + n) for n in range(6)]
    auditors = [Auditor(1, frozenset({1})), Auditor(2, frozenset({2})), Auditor(3, frozenset())]
    paired, unpaired = pair_cases(cases, auditors)
    assert unpaired == []
    assert all(paired[c.case_ref] != 1 for c in cases if c.team.id == 1)
    assert all(paired[c.case_ref] != 2 for c in cases if c.team.id == 2)
    loads = sorted(list(paired.values()).count(a.person_id) for a in auditors)
    assert loads == [2, 2, 2], "six cases, three auditors: two each"


def test_pairing_moves_an_earlier_case_to_free_the_only_auditor_a_later_case_can_have() -> None:
    from services.audits.practice_days import Auditor

    # Auditor 1 may take both cases, auditor 2 only the first: the second case needs auditor 1.
    cases = [_case("FIRST", team=3, practitioner=10), _case("SECOND", team=2, practitioner=11)]
    auditors = [Auditor(1, frozenset({1})), Auditor(2, frozenset({2}))]
    paired, unpaired = pair_cases(cases, auditors)
    assert unpaired == [] and paired == {"FIRST": 2, "SECOND": 1}


def test_pairing_names_the_cases_nobody_from_another_team_can_take() -> None:
    from services.audits.practice_days import Auditor

    cases = [_case("OWN", team=1, practitioner=10), _case("OTHER", team=2, practitioner=11)]
    paired, unpaired = pair_cases(cases, [Auditor(1, frozenset({1}))])
    assert paired == {"OTHER": 1} and unpaired == ["OWN"]
    assert pair_cases(cases, []) == ({}, ["OWN", "OTHER"])


def test_pairing_keeps_the_chosen_auditors_and_counts_their_cases_in_the_even_share() -> None:
    from services.audits.practice_days import Auditor

    # Auditor 1 is chosen for C0 and C1; four more cases share out so both end with three.
    cases = [_case(f"C{n}", team=3, practitioner=100 + n) for n in range(6)]
    auditors = [Auditor(1, frozenset({1})), Auditor(2, frozenset({2}))]
    paired, unpaired = pair_cases(cases, auditors, {"C0": 1, "C1": 1})
    assert unpaired == [] and paired["C0"] == 1 and paired["C1"] == 1
    assert sorted(list(paired.values()).count(a.person_id) for a in auditors) == [3, 3]
    # Someone chosen for one case but not on the list gets that case only.
    paired, _ = pair_cases(cases, auditors, {"C0": 9})
    assert list(paired.values()).count(9) == 1 and paired["C0"] == 9


# -- planning ---------------------------------------------------------------------------------------


async def test_a_senior_manager_plans_a_day_paired_across_teams_and_planning_it_again_is_one_record(
    recorded_services: Services, outbox: RecordingOutbox, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    request = await _request(sessions, audit_org)
    planned = await recorded_services.audits.practice_days.plan(SENIOR, request)

    assert planned.status == "planned" and not planned.already_planned
    auditors = {pair.case_ref: pair.auditor_name for pair in planned.pairs}
    assert auditors == {"LCS100001": "Omar Hassan", "LCS100002": "Omar Hassan", "LCS100003": "Maya Patel"}
    assert outbox.requests == [], "nothing goes out before the day"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditRound)) == 0

    again = await recorded_services.audits.practice_days.plan(SENIOR, request)
    assert again.already_planned and again.day_id == planned.day_id
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeDay)) == 1
        logged = await session.scalar(select(func.count()).where(AccessLogEntry.record_type == "practice day"))
    assert logged == 1


async def test_planning_refuses_what_cannot_work_with_a_reason_per_field(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    days = services.audits.practice_days

    with pytest.raises(NotAllowed):  # a practitioner
        await days.plan("29:user-1", await _request(sessions, audit_org))
    with pytest.raises(InvalidInput) as past:
        await days.plan(SENIOR, await _request(sessions, audit_org, held_on=date(2026, 1, 9)))
    assert "day" in past.value.field_errors
    with pytest.raises(InvalidInput) as same_team:  # only Riverside's manager for Riverside cases
        await days.plan(SENIOR, await _request(sessions, audit_org, auditor_ids=(audit_org.org.manager,)))
    assert "LCS100001, LCS100002" in same_team.value.user_message
    assert "auditors" in same_team.value.field_errors
    with pytest.raises(InvalidInput) as nothing:
        await days.plan(SENIOR, await _request(sessions, audit_org, cases_csv="12,Nowhere,x@y.z\n"))
    assert "not a case reference" in nothing.value.field_errors["cases"]
    with pytest.raises(InvalidInput) as unknown:
        await days.plan(SENIOR, await _request(sessions, audit_org, template_id="no-such-template"))
    assert "template" in unknown.value.field_errors
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeDay)) == 0, "nothing half-written"


async def test_cases_outside_the_area_are_left_out_and_a_sample_picks_among_the_rest(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    async with sessions() as session, session.begin():
        from storage.models import ServiceArea

        elsewhere = ServiceArea(name="Early Help")
        session.add(elsewhere)
        await session.flush()
        session.add(Team(name="Seaview Early Help Team", service_area_id=elsewhere.id))
    services.audits.practice_days.rng = random.Random(3)
    cases = CASES + f"\nLCS100004,Seaview Early Help Team,{OLIVIA}"
    planned = await services.audits.practice_days.plan(
        SENIOR, await _request(sessions, audit_org, cases_csv=cases, sample_size=2)
    )
    assert len(planned.pairs) == 2
    assert [(p.row, p.reason) for p in planned.problems] == [
        (4, "team Seaview Early Help Team is not in Children in Care")
    ]


# -- the day ----------------------------------------------------------------------------------------


async def test_on_the_morning_the_pairs_get_their_cards_through_an_ordinary_round_once(
    recorded_services: Services, outbox: RecordingOutbox, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org, day_id = await _planned(recorded_services, sessions)
    days = recorded_services.audits.practice_days

    clock.set(_morning(DAY, hour=6))
    assert await days.run_due() == ([], []), "not before the morning"
    clock.set(_morning(DAY))
    assert await days.run_due() == ([day_id], [])
    assert await days.run_due() == ([], []), "started once"

    async with sessions() as session:
        day = await session.get(PracticeDay, day_id)
        rounds = list(await session.scalars(select(AuditRound)))
        audits = list(await session.scalars(select(AuditAssignment).order_by(AuditAssignment.case_ref)))
    assert len(rounds) == 1 and rounds[0].source == "practice day" and day.round_id == rounds[0].id
    assert day.status == PracticeDayStatus.STARTED
    assert [(a.case_ref, a.auditor_id) for a in audits] == [
        ("LCS100001", audit_org.org.other_manager),
        ("LCS100002", audit_org.org.other_manager),
        ("LCS100003", audit_org.org.manager),
    ]
    invitations = outbox.keys("-invite")
    assert sorted(invitations) == sorted((a.auditor_id, f"audit-{a.id}-invite") for a in audits)
    assert len(outbox.keys("-reflection")) == 3
    [(planner, _)] = outbox.keys(f"practice-day-{day_id}-start")
    assert "3 audits have gone out" in card_text(_last_card(outbox, planner))


async def test_a_day_planned_for_today_starts_at_once(
    recorded_services: Services, outbox: RecordingOutbox, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    today = clock.now().date()
    planned = await recorded_services.audits.practice_days.plan(
        SENIOR, await _request(sessions, audit_org, held_on=today)
    )
    assert planned.status == "started"
    assert len(outbox.keys("-invite")) == 3


async def test_when_every_audit_is_in_the_leaders_get_the_summary_and_the_calendar_is_recorded(
    recorded_services: Services, outbox: RecordingOutbox, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    day_id = await _day_with_every_audit_in(recorded_services, clock, sessions)
    days = recorded_services.audits.practice_days
    assert await days.run_due() == ([], [day_id])
    assert await days.run_due() == ([], []), "closed once"

    async with sessions() as session:
        senior = await session.scalar(select(Person.id).where(Person.teams_user_id == SENIOR))
        day = await session.get(PracticeDay, day_id)
        occurrence = await session.get(CalendarOccurrence, day.calendar_occurrence_id)
    assert occurrence.activity == "practice_days" and occurrence.unit == f"area-{day.service_area_id}"
    assert occurrence.held_on == DAY and "3 of 3 audits submitted" in (occurrence.findings or "")
    assert outbox.keys(f"practice-day-{day_id}-summary") == [(senior, f"practice-day-{day_id}-summary-{senior}")]
    card = card_text(_last_card(outbox, senior))
    assert "3 of 3 audits submitted" in card
    assert "Planning" in card and "Requires improvement 3" in card and "Good 3" in card
    assert "Share the plan with the family in words and pictures" in card
    assert "fully seen" in card

    summary = await days.summary(SENIOR, day_id)
    assert summary.submitted == 3 and summary.not_completed == ()
    planning = next(s for s in summary.stages if s.stage_id == "planning")
    assert planning.grades.counts == {"requires_improvement": 3}
    with pytest.raises(NotAllowed):
        await days.summary("29:user-1", day_id)


async def test_the_next_morning_closes_a_day_with_audits_still_open_and_names_them(
    recorded_services: Services, outbox: RecordingOutbox, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    _, day_id = await _planned(recorded_services, sessions)
    days = recorded_services.audits.practice_days
    clock.set(_morning(DAY))
    await days.run_due()
    await submit_all(recorded_services, sessions, leave_out="LCS100002")
    clock.set(_morning(DAY, hour=20))
    assert await days.run_due() == ([], []), "still the day itself"
    clock.set(_morning(DAY + timedelta(days=1)))
    assert await days.run_due() == ([], [day_id])
    summary = await days.summary(SENIOR, day_id)
    assert summary.submitted == 2 and [(a.case_ref, a.status) for a in summary.not_completed] == [
        ("LCS100002", "assigned")
    ]


async def test_practice_day_audits_count_in_the_digest_and_the_qim_report_like_any_audit(
    recorded_services: Services, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    await _day_with_every_audit_in(recorded_services, clock, sessions)
    await recorded_services.audits.practice_days.run_due()  # closed: recorded in the QA calendar
    async with sessions() as session:
        team_ids = list(await session.scalars(select(Team.id)))
        raised = await session.scalar(select(func.count()).select_from(Action))
    period = quarter_of(DAY, recorded_services.time_zone)
    scope = Scope("area", "Children in Care", team_ids)
    digest = await recorded_services.digests.build(scope, period)
    assert digest.current.audits_completed == 3
    assert digest.current.actions_new == raised == 1
    assert sum(digest.current.grades.counts.values()) == 3

    # The QIM report: the audits in their quarter, and the area's practice day of the year (due in
    # May) kept on time in the quarter it was due.
    report = await recorded_services.digests.quarterly("area", "Children in Care", "2026Q1", actor=None)
    assert report.digest.current.audits_completed == 3
    assert sum(row.completed for row in report.teams) == 3
    spring = await recorded_services.digests.quarterly("area", "Children in Care", "2026Q2", actor=None)
    [practice_days] = [c for c in spring.calendar if c.activity == "practice_days"]
    assert (practice_days.on_time, practice_days.missed) == (1, 0)


async def test_the_spreadsheet_reads_back_and_its_link_is_bound_to_its_person(
    recorded_services: Services, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    day_id = await _day_with_every_audit_in(recorded_services, clock, sessions)
    days = recorded_services.audits.practice_days

    book = load_workbook(io.BytesIO(workbook_bytes(await days.summary(SENIOR, day_id))))
    assert book.sheetnames == ["Summary", "Grades by stage", "Themes", "What went well", "Actions", "Not completed"]
    summary_rows = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary_rows["Audits planned"] == 3 and summary_rows["Audits submitted"] == 3
    grades = {row[0]: row[1:] for row in book["Grades by stage"].iter_rows(min_row=4, values_only=True)}
    assert grades["Planning"][:4] == (0, 0, 3, 0)
    actions = list(book["Actions"].iter_rows(min_row=4, values_only=True))
    assert actions[0][0] == "Share the plan with the family in words and pictures" and actions[0][3] == "LCS100001"

    days.attach_workbook_links(Signer(b"k" * 32), base_url="https://qop.example", minutes=30)
    url, expires = await days.workbook_link(SENIOR, day_id)
    token = url.split("t=", 1)[1]
    assert url.startswith("https://qop.example/reports/practice-day.xlsx?t=") and expires > clock.now()
    assert (await days.open_workbook(token)).day_id == day_id
    person, day, stamp, signature = token.split(".")
    with pytest.raises(LinkRefused):
        await days.open_workbook(f"{person}.{day}.{int(stamp) + 999}.{signature}")
    with pytest.raises(LinkRefused):
        await days.open_workbook("not-a-token")
    with pytest.raises(NotAllowed):
        await days.workbook_link("29:user-1", day_id)
    clock.advance(timedelta(minutes=31))
    with pytest.raises(LinkRefused):
        await days.open_workbook(token)


async def test_a_day_whose_people_have_all_left_does_not_start_and_says_why(
    settings, engine, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    outbox = RecordingOutbox()
    services = build_services(settings, engine, clock=clock, outbox=outbox)
    _, day_id = await _planned(services, sessions)
    async with sessions() as session, session.begin():
        for person in await session.scalars(select(Person).where(Person.email.in_([PRIYA, CALLUM, OLIVIA]))):
            person.active = False
    clock.set(_morning(DAY))
    assert await services.audits.practice_days.run_due() == ([], [])
    async with sessions() as session:
        day = await session.get(PracticeDay, day_id)
        assert await session.scalar(select(func.count()).select_from(AuditRound)) == 0
    assert day.status == PracticeDayStatus.NOT_STARTED and len(day.start_problems) == 3
    [(planner, _)] = outbox.keys(f"practice-day-{day_id}-start")
    card = card_text(_last_card(outbox, planner))
    assert "could not start" in card and "LCS100001" in card


async def test_the_purge_removes_a_finished_day_with_its_pairs_even_after_its_round_went(
    settings, engine, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    # No audit sampled for moderation: each is completed, so the audits' purge removes the round.
    unsampled = settings.model_copy(update={"audit_moderation_sample_percent": 0})
    recorded_services = build_services(unsampled, engine, clock=clock, outbox=RecordingOutbox())
    day_id = await _day_with_every_audit_in(recorded_services, clock, sessions)
    await recorded_services.audits.practice_days.run_due()
    async with sessions() as session:
        assert (await session.get(PracticeDay, day_id)).status == PracticeDayStatus.CLOSED

    clock.set(_morning(DAY.replace(year=DAY.year + 7)))
    retention = RetentionService(sessions=sessions, clock=clock, policy=load_policy())
    result = await retention.purge()
    assert result is not None
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeDay)) == 0
        assert await session.scalar(select(func.count()).select_from(PracticeDayCase)) == 0
        assert await session.scalar(select(func.count()).select_from(AuditRound)) == 0
        assert await session.scalar(select(func.count()).select_from(CalendarOccurrence)) == 0, (
            "qa_calendar: after the day"
        )
    assert result.removed["qa_calendar: QA calendar records (attendees, findings)"] == 1


async def test_the_same_plan_sent_twice_at_once_is_one_practice_day(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    request = await _request(sessions, audit_org)
    first, second = await asyncio.gather(
        services.audits.practice_days.plan(SENIOR, request), services.audits.practice_days.plan(SENIOR, request)
    )
    assert first.day_id == second.day_id and {first.already_planned, second.already_planned} == {False, True}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeDay)) == 1
        assert await session.scalar(select(func.count()).select_from(PracticeDayCase)) == 3


async def test_a_subject_access_export_lists_the_days_they_planned_and_the_cases_they_were_paired_on(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    audit_org, day_id = await _planned(services, sessions)
    async with sessions() as session:
        omar = await session.get(Person, audit_org.org.other_manager)
        senior = await session.scalar(select(Person).where(Person.teams_user_id == SENIOR))
        outsider = await session.get(Person, audit_org.org.colleague)
        now = services.clock.now()
        auditor_rows = (await collect(session, omar, now)).sections["practice_days"]
        planner_rows = (await collect(session, senior, now)).sections["practice_days"]
        practitioner_rows = (await collect(session, outsider, now)).sections["practice_days"]
    assert [(r["id"], r["case_reference"], r["auditor"]) for r in auditor_rows] == [
        (day_id, "LCS100001", True),
        (day_id, "LCS100002", True),
    ]
    assert [(r["planned_by_them"], r["case_reference"]) for r in planner_rows] == [(True, None)]
    assert [(r["case_reference"], r["practitioner"], r["auditor"]) for r in practitioner_rows] == [
        ("LCS100002", True, False)
    ]


async def test_auditors_may_also_be_named_by_e_mail(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    days = services.audits.practice_days
    with pytest.raises(InvalidInput) as unknown:
        await days.plan(
            SENIOR,
            await _request(sessions, audit_org, auditor_ids=(), auditor_emails=("nobody@council.example.gov.uk",)),
        )
    assert "nobody@council.example.gov.uk" in unknown.value.field_errors["auditor_emails"]
    planned = await days.plan(
        SENIOR,
        await _request(
            sessions, audit_org, auditor_ids=(audit_org.org.manager,), auditor_emails=("omar@council.example.gov.uk",)
        ),
    )
    assert {pair.auditor_name for pair in planned.pairs} == {"Maya Patel", "Omar Hassan"}


async def test_a_day_whose_audit_template_was_withdrawn_does_not_start_and_the_pass_goes_on(
    recorded_services: Services, outbox: RecordingOutbox, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    _, day_id = await _planned(recorded_services, sessions)
    async with sessions() as session, session.begin():
        (await session.get(PracticeDay, day_id)).template_id = "withdrawn-template"
    clock.set(_morning(DAY))
    assert await recorded_services.audits.practice_days.run_due() == ([], [])
    async with sessions() as session:
        day = await session.get(PracticeDay, day_id)
    assert day.status == PracticeDayStatus.NOT_STARTED
    assert [p["row"] for p in day.start_problems] == [0]
    assert day.start_problems[0]["reason"].startswith("There is no audit template by that name.")
    [(planner, _)] = outbox.keys(f"practice-day-{day_id}-start")
    assert "could not start" in card_text(_last_card(outbox, planner))


QUINN, MAYA, OMAR = "quinn@council.example.gov.uk", "maya@council.example.gov.uk", "omar@council.example.gov.uk"


async def test_a_planner_may_choose_the_auditor_of_a_case(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    # Quinn is on no auditor list: chosen for the first case, they audit that one only.
    cases = f"LCS100001,{RIVERSIDE},{PRIYA},{QUINN}\nLCS100002,{RIVERSIDE},{CALLUM}\nLCS100003,{HILLSIDE},{OLIVIA}"
    planned = await services.audits.practice_days.plan(SENIOR, await _request(sessions, audit_org, cases_csv=cases))
    assert planned.problems == ()
    auditors = {pair.case_ref: pair.auditor_name for pair in planned.pairs}
    assert auditors == {"LCS100001": "Quinn Adams", "LCS100002": "Omar Hassan", "LCS100003": "Maya Patel"}


async def test_a_chosen_auditor_from_the_cases_team_or_unknown_is_refused_by_line(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    cases = (
        f"LCS100001,{RIVERSIDE},{PRIYA}\n"
        f"LCS100002,{RIVERSIDE},{CALLUM},{MAYA}\n"  # Maya manages Riverside
        f"LCS100003,{HILLSIDE},{OLIVIA},nobody@council.example.gov.uk\n"
        f"LCS100004,{RIVERSIDE},{CALLUM},{CALLUM}"  # the practitioner
    )
    planned = await services.audits.practice_days.plan(SENIOR, await _request(sessions, audit_org, cases_csv=cases))
    assert [(p.row, p.reason) for p in planned.problems] == [
        (2, f"the auditor chosen, {MAYA}, is in team {RIVERSIDE} or manages it: choose an auditor from another team"),
        (3, "no active member of the organisation has the e-mail nobody@council.example.gov.uk (the auditor chosen)"),
        (4, f"the auditor chosen, {CALLUM}, is the case's practitioner"),
    ]
    assert [pair.case_ref for pair in planned.pairs] == ["LCS100001"], "the other lines go ahead"


async def test_the_cases_left_share_out_evenly_counting_the_chosen_ones(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    audit_org = await make_audit_org(sessions)
    await add_senior_manager(sessions, number=8)
    # Omar is chosen for one case; Quinn takes the Hillside case Omar manages, and the two Riverside
    # cases left go one each, so both audit two (without the chosen case counted Omar would have three).
    cases = (
        f"LCS100001,{RIVERSIDE},{PRIYA},{OMAR}\nLCS100002,{RIVERSIDE},{CALLUM}\n"
        f"LCS100003,{HILLSIDE},{OLIVIA}\nLCS100004,{RIVERSIDE},{PRIYA}"
    )
    request = await _request(
        sessions, audit_org, cases_csv=cases, auditor_ids=(audit_org.org.other_manager,), auditor_emails=(QUINN,)
    )
    planned = await services.audits.practice_days.plan(SENIOR, request)
    auditors = {pair.case_ref: pair.auditor_name for pair in planned.pairs}
    assert auditors["LCS100001"] == "Omar Hassan" and auditors["LCS100003"] == "Quinn Adams"
    assert sorted(auditors.values()) == ["Omar Hassan", "Omar Hassan", "Quinn Adams", "Quinn Adams"]
