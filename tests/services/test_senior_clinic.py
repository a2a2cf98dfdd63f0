"""The senior leadership performance clinic's service pack on SQLite and PostgreSQL: the whole
service's measures and each area's roll-up, the record each pack leaves and what the next one
says changed, service-level actions agreed at the clinic, who may see and agree (refusals
logged), the scheduled send once per person when the QA calendar's clinic comes due, and the
workbook read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from cards.clinic import service_clinic_pack_card
from services.clinic.senior import pack_key
from services.clinic.workbook import service_workbook_bytes
from services.container import Services
from services.digest.report_links import LinkRefused
from services.errors import InvalidInput, NotAllowed
from services.feedback.tokens import Signer
from storage.models import AccessLogEntry, Action, IndicatorValue, Person, SeniorLeadershipClinic, Team
from tests.support.clinic import RIVERSIDE, seeded, teams_id
from tests.support.dashboard import PRACTITIONER, QA_LEAD, SENIOR_MANAGER, TEAM_MANAGER
from tests.support.outbox import RecordingOutbox
from views.clinic import ServiceClinicPack

DIRECTOR = "margaret.ellison@northshire.example"
HEAD_OF_SERVICE = "rachel.dunmore@northshire.example"
ANALYST = "tariq.mendes@northshire.example"
LOCALITY = "Locality social work"
ASSESSMENTS = "Assessments completed within the agreed timescale"
SOURCE = "senior_leadership_clinic"


async def records(services: Services) -> list[SeniorLeadershipClinic]:
    async with services.sessions() as session:
        return list(await session.scalars(select(SeniorLeadershipClinic).order_by(SeniorLeadershipClinic.id)))


def area(pack: ServiceClinicPack, name: str = LOCALITY):  # type: ignore[no-untyped-def]
    return next(a for a in pack.areas if a.area_name == name)


async def test_the_director_s_pack_has_the_service_s_measures_each_area_s_teams_and_clinics_and_is_recorded(
    services: Services,
) -> None:
    org = await seeded(services)
    team_pack = await services.clinics.pack_for(teams_id(TEAM_MANAGER))
    await services.clinics.agree_action(
        teams_id(TEAM_MANAGER),
        team_pack.clinic_id,
        {
            "description": "Audit three assessments a week",
            "owner_id": str(org.people[PRACTITIONER]),
            "due_date": "2026-02-13",
        },
    )

    pack = await services.senior_clinics.pack_for(teams_id(DIRECTOR))

    assert pack.month == date(2026, 1, 1) and pack.measures is not None and pack.measures.scope == "service"
    locality = area(pack)
    [riverside] = [c for c in locality.concerns if c.team_name == RIVERSIDE]
    assert ASSESSMENTS in riverside.off_target and ASSESSMENTS in riverside.wrong_way
    assert (locality.packs, locality.agreed, locality.open_actions, locality.overdue_actions) == (1, 1, 1, 0)
    assert locality.teams >= 1 and all(a.packs == 0 for a in pack.areas if a.area_name != LOCALITY)
    assert {(t.title[:26], t.seen, t.answered) for t in pack.themes} >= {("The child's voice is clear", 0, 1)}
    assert pack.open_clinic_actions == 1 and pack.since_last is None and pack.agreed_here == ()
    assert pack.owners and any(p.id == org.people[PRACTITIONER] for p in pack.owners), "anyone active may own it"

    [record] = await records(services)
    assert (record.month, record.prepared_by_id) == (date(2026, 1, 1), org.people[DIRECTOR])
    again = await services.senior_clinics.pack_for(teams_id(ANALYST))
    assert again.clinic_id == pack.clinic_id and len(await records(services)) == 1, "one record per month"
    card = str(service_clinic_pack_card(pack, today=date(2026, 1, 12)))
    assert "Senior leadership performance clinic" in card and f"{RIVERSIDE} — off target: {ASSESSMENTS}" in card
    assert "Teams with a clinic pack this month: 1 of" in card and "Agree an action" in card


async def test_a_service_level_action_agreed_at_the_clinic_has_its_source_and_bad_input_stores_nothing(
    services: Services,
) -> None:
    org = await seeded(services)
    pack = await services.senior_clinics.pack_for(teams_id(HEAD_OF_SERVICE))
    good = {
        "description": "Review assessment capacity in Locality social work",
        "owner_id": str(org.people[SENIOR_MANAGER]),
        "due_date": "2026-02-20",
    }
    async with services.sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.email == QA_LEAD).values(active=False))

    for bad, field in (
        ({**good, "description": "  "}, "description"),
        ({**good, "owner_id": str(org.people[QA_LEAD])}, "owner_id"),  # no longer active
        ({**good, "owner_id": "nobody"}, "owner_id"),
        ({**good, "due_date": "2026-01-01"}, "due_date"),
    ):
        with pytest.raises(InvalidInput) as problem:
            await services.senior_clinics.agree_action(teams_id(HEAD_OF_SERVICE), pack.clinic_id, bad)
        assert field in problem.value.field_errors
    async with services.sessions() as session:
        assert list(await session.scalars(select(Action).where(Action.source == SOURCE))) == []

    after = await services.senior_clinics.agree_action(teams_id(DIRECTOR), pack.clinic_id, good)

    assert [(a.description, a.source) for a in after.agreed_here] == [(good["description"], SOURCE)]
    async with services.sessions() as session:
        [action] = list(await session.scalars(select(Action).where(Action.source == SOURCE)))
    assert (action.source_ref, action.owner_id, action.created_by_id, action.due_date) == (
        f"service-clinic:{pack.clinic_id}",
        org.people[SENIOR_MANAGER],
        org.people[DIRECTOR],
        date(2026, 2, 20),
    )
    card = str(service_clinic_pack_card(after, today=date(2026, 1, 12), saved=True))
    assert "Agreed at this clinic" in card and "Senior leadership performance clinic" in card


async def test_only_senior_leaders_analysts_and_the_qa_lead_see_the_pack_and_refusals_are_logged(
    services: Services,
) -> None:
    org = await seeded(services)
    pack = await services.senior_clinics.pack_for(teams_id(QA_LEAD))

    with pytest.raises(NotAllowed) as refused:
        await services.senior_clinics.pack_for(teams_id(PRACTITIONER))
    assert "Service Director" in refused.value.user_message
    with pytest.raises(NotAllowed):
        await services.senior_clinics.pack_for(teams_id(TEAM_MANAGER))
    with pytest.raises(NotAllowed):
        await services.senior_clinics.agree_action(
            teams_id(TEAM_MANAGER),
            pack.clinic_id,
            {"description": "x", "owner_id": str(org.people[PRACTITIONER]), "due_date": "2026-02-01"},
        )

    async with services.sessions() as session:
        entries = list(
            await session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.record_type == "senior_leadership_clinic")
                .order_by(AccessLogEntry.id)
            )
        )
    assert [(e.action, e.actor_id) for e in entries] == [
        ("view", org.people[QA_LEAD]),
        ("refused", org.people[PRACTITIONER]),
        ("refused", org.people[TEAM_MANAGER]),
        ("refused", org.people[TEAM_MANAGER]),
    ]


async def test_the_next_month_s_pack_shows_what_changed_since_the_last_service_pack(services: Services, clock) -> None:  # type: ignore[no-untyped-def]
    org = await seeded(services)
    clock.set(datetime(2025, 12, 10, 10, 0, tzinfo=UTC))
    december = await services.senior_clinics.pack_for(teams_id(DIRECTOR))
    await services.senior_clinics.agree_action(
        teams_id(DIRECTOR),
        december.clinic_id,
        {
            "description": "Assessment capacity review",
            "owner_id": str(org.people[HEAD_OF_SERVICE]),
            "due_date": "2025-12-31",
        },
    )
    async with services.sessions() as session, session.begin():
        await session.execute(update(Action).where(Action.source == SOURCE).values(status="done"))
        # Corrected after December's clinic: the pack compares with what that clinic saw.
        await session.execute(
            update(IndicatorValue).where(IndicatorValue.month == date(2025, 12, 1)).values(value=95.0)
        )

    clock.set(datetime(2026, 1, 12, 9, 30, tzinfo=UTC))
    january = await services.senior_clinics.pack_for(teams_id(DIRECTOR))

    since = january.since_last
    assert since is not None and since.month == date(2025, 12, 1)
    assert (since.agreed, since.agreed_done) == (1, 1) and january.agreed_here == ()
    assert since.open_actions_before == 1 and january.open_clinic_actions == 0
    change = next(f for f in since.figures if f.key == "assessments_in_timescale")
    assert change.before != change.now, "the service figure moved with Riverside's"
    card = str(service_clinic_pack_card(january, today=date(2026, 1, 12)))
    assert "What changed since the clinic of December 2025" in card
    assert "Open clinic actions (team and service): 1 then, 0 now" in card


async def test_the_service_pack_goes_once_to_each_senior_leader_when_the_clinic_comes_due(
    recorded_services: Services, outbox: RecordingOutbox, clock
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    org = await seeded(services)
    assert await services.senior_clinics.run_due_packs() == [], "12 January: the 22nd's clinic is not near yet"

    clock.set(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    sent = await services.senior_clinics.run_due_packs()

    due = date(2026, 1, 22)
    for leader in (DIRECTOR, HEAD_OF_SERVICE, SENIOR_MANAGER, ANALYST):
        assert pack_key(due, org.people[leader]) in sent
    for other in (PRACTITIONER, TEAM_MANAGER, QA_LEAD):  # the QA lead asks for it (clinic service)
        assert pack_key(due, org.people[other]) not in sent
    cards = [r.card for r in outbox.requests if r.dedupe_key == pack_key(due, org.people[DIRECTOR])]
    assert len(cards) == 1 and "Senior leadership performance clinic" in str(cards[0])
    assert "Agree an action" in str(cards[0])
    [record] = await records(services)
    assert (record.month, record.prepared_by_id) == (date(2026, 1, 1), None)

    clock.advance(timedelta(hours=2))
    assert await services.senior_clinics.run_due_packs() == [], "each person gets the pack once"
    assert len([r for r in outbox.requests if r.dedupe_key and r.dedupe_key.startswith("senior-clinic:")]) == len(sent)


async def test_the_workbook_link_opens_the_service_pack_as_xlsx_for_whoever_may_still_see_it(
    services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await seeded(services)
    services.senior_clinics.attach_workbook_links(Signer(b"k" * 32), base_url="https://qop.example/", minutes=30)
    pack = await services.senior_clinics.pack_for(teams_id(ANALYST))
    await services.senior_clinics.agree_action(
        teams_id(ANALYST),
        pack.clinic_id,
        {
            "description": "Assessment capacity review",
            "owner_id": str(org.people[HEAD_OF_SERVICE]),
            "due_date": "2026-02-20",
        },
    )

    _, link = await services.senior_clinics.workbook_link(teams_id(ANALYST), pack.clinic_id)
    assert link.url.startswith("https://qop.example/reports/service-clinic.xlsx?t=")
    token = link.url.split("t=", 1)[1]
    book = load_workbook(BytesIO(service_workbook_bytes(await services.senior_clinics.open_workbook(token))))

    assert book.sheetnames == [
        "Indicators",
        "Worries",
        "Service areas",
        "Teams of concern",
        "Audit themes",
        "Agreed at this clinic",
        "What changed",
    ]
    concerns = list(book["Teams of concern"].iter_rows(min_row=4, values_only=True))
    assert (LOCALITY, RIVERSIDE) in {(row[0], row[1]) for row in concerns}
    areas = {row[0]: row for row in book["Service areas"].iter_rows(min_row=4, values_only=True)}
    assert areas[LOCALITY][6] >= 1, "its teams of concern, counted"
    agreed = [row[0] for row in book["Agreed at this clinic"].iter_rows(min_row=4, values_only=True)]
    assert agreed == ["Assessment capacity review"]
    async with services.sessions() as session:
        exports = list(
            await session.scalars(
                select(AccessLogEntry).where(
                    AccessLogEntry.record_type == "senior_leadership_clinic", AccessLogEntry.action == "export"
                )
            )
        )
    assert [e.actor_id for e in exports] == [org.people[ANALYST]]

    with pytest.raises(LinkRefused):
        await services.senior_clinics.open_workbook(token[:-2] + "00")
    with pytest.raises(LinkRefused):  # a team pack's link never opens the service pack, nor the reverse
        services.clinics.attach_workbook_links(Signer(b"k" * 32), base_url="https://qop.example/", minutes=30)
        await services.clinics.open_workbook(token)
    clock.advance(timedelta(minutes=31))
    with pytest.raises(LinkRefused):
        await services.senior_clinics.open_workbook(token)
    clock.advance(timedelta(minutes=-31))
    async with services.sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.id == org.people[ANALYST]).values(active=False))
    with pytest.raises(NotAllowed):
        await services.senior_clinics.open_workbook(token)


async def test_a_qa_lead_standing_in_for_a_role_nobody_holds_gets_the_reminder_not_the_pack(
    recorded_services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    org = await seeded(services)
    async with services.sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.email == ANALYST).values(active=False))
    clock.set(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))

    [due] = await services.qa_calendar.units_due("senior_leadership_performance_clinic", clock.now())
    reminders = await services.qa_calendar.run_due_reminders()

    assert (due.due_on, due.unit_key) == (date(2026, 1, 22), "service")
    assert org.people[QA_LEAD] not in due.people and org.people[DIRECTOR] in due.people
    assert f"calendar:senior_leadership_performance_clinic:2026-01-22:person:{org.people[QA_LEAD]}" in reminders


async def test_every_team_judged_at_once_agrees_with_each_team_s_own_overview(services: Services) -> None:
    await seeded(services)
    measures = services.measures
    month = date(2026, 1, 1)

    at_once = await measures.team_statuses(month=month)

    async with services.sessions() as session:
        teams = {t.id: t.name for t in await session.scalars(select(Team).where(Team.active.is_(True)))}
    assert set(at_once) == set(teams)
    for team_id, name in teams.items():
        own = await measures.overview(team=name, month=month)
        expected = [(s.key, s.value, s.history, s.off_target, s.wrong_way) for m in own.measures for s in m.indicators]
        got = [(s.key, s.value, s.history, s.off_target, s.wrong_way) for s in at_once[team_id]]
        assert sorted(got, key=str) == sorted(expected, key=str), name
    assert any(s.off_target for statuses in at_once.values() for s in statuses), "the seed has a team of concern"


async def test_a_team_clinic_action_counts_as_overdue_from_the_day_after_its_due_date(
    services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await seeded(services)
    team_pack = await services.clinics.pack_for(teams_id(TEAM_MANAGER))
    await services.clinics.agree_action(
        teams_id(TEAM_MANAGER),
        team_pack.clinic_id,
        {"description": "Audit three assessments", "owner_id": str(org.people[PRACTITIONER]), "due_date": "2026-01-20"},
    )
    clock.set(datetime(2026, 1, 20, 16, 0, tzinfo=UTC))
    due_today = area(await services.senior_clinics.pack_for(teams_id(DIRECTOR)))
    assert (due_today.open_actions, due_today.overdue_actions) == (1, 0), "due today is not yet overdue"
    clock.set(datetime(2026, 1, 21, 9, 0, tzinfo=UTC))
    day_after = area(await services.senior_clinics.pack_for(teams_id(DIRECTOR)))
    assert (day_after.open_actions, day_after.overdue_actions) == (1, 1)
