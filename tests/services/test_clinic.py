"""Performance clinic packs on SQLite and PostgreSQL: what the pack holds, the record each pack
leaves and what the next one says changed, actions agreed at the clinic, who may see and agree,
the scheduled send on the QA calendar's clinic date, and the workbook read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from cards.clinic import clinic_pack_card
from services.clinic.service import pack_key
from services.clinic.workbook import workbook_bytes
from services.container import Services
from services.digest.report_links import LinkRefused
from services.errors import InvalidInput, NotAllowed
from services.feedback.tokens import Signer
from storage.models import (
    AccessLogEntry,
    Action,
    IndicatorValue,
    PerformanceClinic,
    Person,
)
from tests.support.clinic import RIVERSIDE, seeded, teams_id
from tests.support.dashboard import (
    OTHER_TEAM_MANAGER,
    PRACTITIONER,
    QA_LEAD,
    RIVERSIDE_FIGURE,
    SENIOR_MANAGER,
    TEAM_MANAGER,
)
from tests.support.outbox import RecordingOutbox
from views.clinic import ClinicPack

FIGURE = "assessments_in_timescale"


def indicator(pack: ClinicPack, key: str = FIGURE):  # type: ignore[no-untyped-def]
    assert pack.measures is not None
    return next(i for m in pack.measures.measures for i in m.indicators if i.key == key)


async def clinics(services: Services) -> list[PerformanceClinic]:
    async with services.sessions() as session:
        return list(await session.scalars(select(PerformanceClinic).order_by(PerformanceClinic.id)))


async def test_the_team_manager_s_pack_has_the_team_s_figures_worries_themes_and_actions_and_is_recorded(
    services: Services,
) -> None:
    org = await seeded(services)

    pack = await services.clinics.pack_for(teams_id(TEAM_MANAGER))

    assert (pack.team_name, pack.month) == (RIVERSIDE, date(2026, 1, 1))
    status = indicator(pack)
    assert status.value == RIVERSIDE_FIGURE and status.target == 90
    worries = {w.indicator.key: [r.value for r in w.reasons] for m in pack.measures.measures for w in m.worries}  # type: ignore[union-attr]
    assert worries[FIGURE] == ["off target", "moving the wrong way"]
    assert {(t.title[:26], t.seen, t.answered) for t in pack.themes} == {
        ("Decisions are risk sensibl", 1, 1),
        ("The child's voice is clear", 0, 1),
    }
    assert pack.themes[0].seen == 0, "the theme seen least often comes first"
    assert pack.open_actions_total == 2 and [a.overdue for a in pack.open_actions] == [True, False]
    assert pack.since_last is None
    assert [p.name for p in pack.owners][:1] and all(p.id != org.people[QA_LEAD] for p in pack.owners)

    [record] = await clinics(services)
    assert (record.team_id, record.month, record.prepared_by_id) == (
        org.teams[RIVERSIDE],
        date(2026, 1, 1),
        org.people[TEAM_MANAGER],
    )
    assert record.snapshot["indicators"][FIGURE] == {
        "name": status.name,
        "unit": "percent",
        "value": RIVERSIDE_FIGURE,
        "worry": True,
    }
    again = await services.clinics.pack_for(teams_id(SENIOR_MANAGER), "riverside  locality team")
    assert again.clinic_id == pack.clinic_id and len(await clinics(services)) == 1, "one record per team and month"


async def test_the_next_month_s_pack_shows_what_changed_since_the_last_clinic(services: Services, clock) -> None:  # type: ignore[no-untyped-def]
    org = await seeded(services)
    clock.set(datetime(2025, 12, 10, 10, 0, tzinfo=UTC))
    december = await services.clinics.pack_for(teams_id(TEAM_MANAGER))
    assert indicator(december).value == 89.0 and december.since_last is None
    december = await services.clinics.agree_action(
        teams_id(TEAM_MANAGER),
        december.clinic_id,
        {
            "description": "Review every assessment past day 35",
            "owner_id": str(org.people[PRACTITIONER]),
            "due_date": "2025-12-31",
        },
    )
    async with services.sessions() as session, session.begin():
        await session.execute(update(Action).where(Action.source == "performance_clinic").values(status="done"))
        # A figure corrected after December's clinic: the pack compares with what the clinic saw.
        await session.execute(
            update(IndicatorValue).where(IndicatorValue.month == date(2025, 12, 1)).values(value=95.0)
        )

    clock.set(datetime(2026, 1, 12, 9, 30, tzinfo=UTC))
    january = await services.clinics.pack_for(teams_id(TEAM_MANAGER))

    since = january.since_last
    assert since is not None and since.month == date(2025, 12, 1)
    change = next(f for f in since.figures if f.key == FIGURE)
    assert (change.before, change.now, change.difference) == (89.0, RIVERSIDE_FIGURE, -3.0)
    assert (since.agreed, since.agreed_done) == (1, 1)
    # December's pack was last shown with its agreed action open; that action is done now.
    assert since.open_actions_before == 3 and january.open_actions_total == 2
    assert january.agreed_here == (), "December's action belongs to December's clinic"
    text = str(clinic_pack_card(january, today=date(2026, 1, 12)))
    assert "What changed since the clinic of December 2025" in text
    assert "89 % then, 86 % now" in text and "Actions agreed at that clinic: 1 of 1 done" in text


async def test_an_action_agreed_at_the_clinic_has_the_clinic_as_its_source_and_bad_input_stores_nothing(
    services: Services,
) -> None:
    org = await seeded(services)
    pack = await services.clinics.pack_for(teams_id(TEAM_MANAGER))
    good = {
        "description": "Audit three assessments a week",
        "owner_id": str(org.people[PRACTITIONER]),
        "due_date": "2026-02-13",
    }

    for bad, field in (
        ({**good, "description": "  "}, "description"),
        ({**good, "owner_id": str(org.people["owen.strickland@northshire.example"])}, "owner_id"),
        ({**good, "owner_id": "nobody"}, "owner_id"),
        ({**good, "due_date": "2026-01-01"}, "due_date"),
        ({**good, "due_date": "soon"}, "due_date"),
    ):
        with pytest.raises(InvalidInput) as problem:
            await services.clinics.agree_action(teams_id(TEAM_MANAGER), pack.clinic_id, bad)
        assert field in problem.value.field_errors
    async with services.sessions() as session:
        assert list(await session.scalars(select(Action).where(Action.source == "performance_clinic"))) == []

    after = await services.clinics.agree_action(teams_id(SENIOR_MANAGER), pack.clinic_id, good)

    assert [(a.description, a.source) for a in after.agreed_here] == [(good["description"], "performance_clinic")]
    async with services.sessions() as session:
        [action] = list(await session.scalars(select(Action).where(Action.source == "performance_clinic")))
    assert (action.source_ref, action.owner_id, action.created_by_id) == (
        f"clinic:{pack.clinic_id}",
        org.people[PRACTITIONER],
        org.people[SENIOR_MANAGER],
    )
    assert "Performance clinic" in str(clinic_pack_card(after, today=date(2026, 1, 12)))


async def test_only_the_team_s_managers_and_overseers_see_the_pack_and_refusals_are_logged(
    services: Services,
) -> None:
    org = await seeded(services)
    pack = await services.clinics.pack_for(teams_id(QA_LEAD), RIVERSIDE)

    with pytest.raises(NotAllowed):
        await services.clinics.pack_for(teams_id(PRACTITIONER), RIVERSIDE)
    with pytest.raises(NotAllowed) as refused:
        await services.clinics.pack_for(teams_id(OTHER_TEAM_MANAGER), RIVERSIDE)
    assert "is for its manager" in refused.value.user_message
    with pytest.raises(NotAllowed):
        await services.clinics.agree_action(
            teams_id(OTHER_TEAM_MANAGER),
            pack.clinic_id,
            {"description": "x", "owner_id": str(org.people[PRACTITIONER]), "due_date": "2026-02-01"},
        )
    with pytest.raises(InvalidInput):
        await services.clinics.pack_for(teams_id(QA_LEAD))  # manages no team: must name one

    async with services.sessions() as session:
        entries = list(
            await session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.record_type == "performance_clinic")
                .order_by(AccessLogEntry.id)
            )
        )
    assert [(e.action, e.actor_id) for e in entries] == [
        ("view", org.people[QA_LEAD]),
        ("refused", org.people[PRACTITIONER]),
        ("refused", org.people[OTHER_TEAM_MANAGER]),
        ("refused", org.people[OTHER_TEAM_MANAGER]),
    ]


async def test_the_pack_goes_once_to_the_team_manager_and_senior_manager_when_the_clinic_comes_due(
    recorded_services: Services, outbox: RecordingOutbox, clock
) -> None:  # type: ignore[no-untyped-def]
    services = recorded_services
    org = await seeded(services)
    clock.set(datetime(2026, 1, 7, 10, 0, tzinfo=UTC))  # 6 working days before the 15th: not yet
    assert await services.clinics.run_due_packs() == []

    clock.set(datetime(2026, 1, 12, 9, 30, tzinfo=UTC))
    sent = await services.clinics.run_due_packs()

    riverside = org.teams[RIVERSIDE]
    due = date(2026, 1, 15)
    assert pack_key(due, riverside, org.people[TEAM_MANAGER]) in sent
    assert pack_key(due, riverside, org.people[SENIOR_MANAGER]) in sent
    assert not any(key.endswith(f":person:{org.people[PRACTITIONER]}") for key in sent)
    cards = [r.card for r in outbox.requests if r.dedupe_key == pack_key(due, riverside, org.people[TEAM_MANAGER])]
    assert len(cards) == 1 and "Performance clinic: Riverside Locality Team" in str(cards[0])
    assert "Agree an action" in str(cards[0]) and "Download XLSX" in str(cards[0])
    record = next(c for c in await clinics(services) if c.team_id == riverside)
    assert (record.month, record.prepared_by_id) == (date(2026, 1, 1), None)

    clock.advance(timedelta(hours=2))
    assert await services.clinics.run_due_packs() == [], "each person gets each team's pack once"
    assert len(outbox.requests) == len(sent)


async def test_the_workbook_link_opens_the_pack_as_xlsx_for_whoever_may_still_see_it(services: Services, clock) -> None:  # type: ignore[no-untyped-def]
    org = await seeded(services)
    services.clinics.attach_workbook_links(Signer(b"k" * 32), base_url="https://qop.example/", minutes=30)
    pack = await services.clinics.pack_for(teams_id(TEAM_MANAGER))
    await services.clinics.agree_action(
        teams_id(TEAM_MANAGER),
        pack.clinic_id,
        {
            "description": "Audit three assessments a week",
            "owner_id": str(org.people[PRACTITIONER]),
            "due_date": "2026-02-13",
        },
    )

    _, link = await services.clinics.workbook_link(teams_id(TEAM_MANAGER), pack.clinic_id)
    assert link.url.startswith("https://qop.example/reports/clinic.xlsx?t=")
    token = link.url.split("t=", 1)[1]
    opened = await services.clinics.open_workbook(token)
    book = load_workbook(BytesIO(workbook_bytes(opened)))

    assert book.sheetnames == ["Indicators", "Worries", "Audit themes", "Open actions", "What changed"]
    rows = list(book["Indicators"].iter_rows(min_row=4, values_only=True))
    row = next(r for r in rows if r[1] == indicator(pack).name)
    assert (row[3], row[4], row[6]) == (RIVERSIDE_FIGURE, 90, "yes")
    actions = [r[0] for r in book["Open actions"].iter_rows(min_row=4, values_only=True)]
    assert sorted(actions) == ["Audit three assessments a week", "Update the plan", "Update the plan"]
    themes = list(book["Audit themes"].iter_rows(min_row=4, values_only=True))
    assert [(t[1], t[2], t[3]) for t in themes] == [(0, 1, 0.0), (1, 1, 100.0)]

    with pytest.raises(LinkRefused):
        await services.clinics.open_workbook(token[:-2] + "00")
    clock.advance(timedelta(minutes=31))
    with pytest.raises(LinkRefused):
        await services.clinics.open_workbook(token)
    clock.advance(timedelta(minutes=-31))
    async with services.sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.id == org.people[TEAM_MANAGER]).values(active=False))
    with pytest.raises(NotAllowed):
        await services.clinics.open_workbook(token)
