"""The Quality Improvement Meeting: the pack posted once before each meeting, the chair's decisions
(changes keep the original) and service-level actions, the owners' monthly assurance updates, and
the bi-annual report with its trends and the assurance trail."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards.qim import pack_card
from qop.app import build_retention
from services.clock import FrozenClock
from services.container import Services
from services.digest.report import render_html, write_workbook
from services.errors import InvalidInput, NotAllowed
from services.person_rights import PersonRightsService
from services.teams_data import TeamsUser
from storage.models import (
    AccessLogEntry,
    Action,
    ActionEvent,
    AssuranceUpdate,
    Conversation,
    ImprovementPriority,
    ImprovementPriorityAction,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
    RoleAssignment,
)
from tests.support.action_org import Org, make_org
from tests.support.organisation import DEMO_FILE
from tests.support.outbox import RecordingOutbox
from tests.support.retention import years
from views.qim import AssuredKind, Progress, ServiceActionInput

CHAIR = TeamsUser("29:user-6", name="Quinn Adams")  # made Service Director below
ANALYST = TeamsUser("29:user-5", name="Olivia Brown")  # a performance analyst: reads, does not record
PRACTITIONER = TeamsUser("29:user-1", name="Priya Shah")  # not in the QIM
OWNER = TeamsUser("29:user-2", name="Maya Patel")
CHANNEL = "19:qim-channel@thread.tacv2"
APRIL_20 = datetime(2026, 4, 20, 8, 30, tzinfo=UTC)  # 09:30 BST, 8 days before the QIM of 28 April


async def _qim_org(sessions: async_sessionmaker[AsyncSession]) -> Org:
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        session.add_all(
            [
                RoleAssignment(person_id=org.qa_lead, role="service_director"),
                RoleAssignment(person_id=org.outsider, role="performance_analyst"),
                Conversation(
                    conversation_id=CHANNEL,
                    kind="channel",
                    service_url="https://smba.example/",
                    bot_id="28:qop",
                    reference={},
                    name="QIM",
                ),
            ]
        )
    return org


async def _priority(sessions: async_sessionmaker[AsyncSession], *, owner_id: int, created_at: datetime) -> int:
    async with sessions() as session, session.begin():
        priority = ImprovementPriority(
            title="Management oversight at every decision", owner_id=owner_id, created_at=created_at
        )
        session.add(priority)
        await session.flush()
        return priority.id


async def _count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _refusals(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int | None, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(AccessLogEntry.actor_id, AccessLogEntry.record_type).where(AccessLogEntry.action == "refused")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_the_pack_goes_to_the_qim_channel_once_a_set_number_of_days_before(
    recorded_services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, outbox: RecordingOutbox
) -> None:
    await _qim_org(sessions)
    clock.set(APRIL_20)
    qim = recorded_services.qim
    assert await qim.run_due() == [], "no QIM channel yet: nothing is posted, nothing claimed"

    meeting = await qim.post_pack_here(CHAIR, CHANNEL)  # the chair chooses the channel and posts now
    assert (meeting.meeting_on, meeting.report_period, meeting.channel_name) == (date(2026, 4, 28), "2026Q1", "QIM")
    assert await qim.run_due() == [], "8 days before: too early for the scheduled pack"

    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))  # 5 days before
    assert await qim.run_due() == ["qim-pack:2026-04-28"]
    assert await qim.run_due() == [], "claimed once"
    posts = [r for r in outbox.requests if r.operation == "post"]
    assert [r.dedupe_key for r in posts][1:] == ["qim-pack:2026-04-28"]
    card = str(posts[-1].card)
    for wanted in (
        "QIM pack: meeting on 28 April 2026",
        "Headline findings",
        "Multi-agency audits",
        "Open the full report",
    ):
        assert wanted in card
    # The channel sees the members' view; the chair's Teams client asks for the chair's view.
    assert "Record a decision" not in card and "Raise a service-level action" not in card
    refresh = posts[-1].card["refresh"]
    assert refresh["userIds"] == [CHAIR.teams_user_id] and refresh["action"]["verb"] == "qim.pack"
    assert "2026Q1" in card, "the report button opens the quarter the meeting reviews"
    async with sessions() as session:
        stored = await session.scalar(select(QimMeeting))
    assert stored is not None and stored.pack_posted_at is not None and stored.conversation_id is not None


async def test_someone_outside_the_qim_is_refused_the_pack_and_the_refusal_is_logged(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _qim_org(sessions)
    clock.set(APRIL_20)

    with pytest.raises(NotAllowed, match="members of the Quality Improvement Meeting"):
        await services.qim.pack(PRACTITIONER)
    with pytest.raises(NotAllowed, match="Only the QIM's chair"):
        await services.qim.record_decision(ANALYST, 1, "Audit oversight in Q3")

    assert await _refusals(sessions) == [(org.practitioner, "qim_meeting"), (org.outsider, "qim_meeting")]
    pack = await services.qim.pack(ANALYST)  # a member reads it, without the chair's buttons
    assert not pack.can_record and pack.meeting.meeting_on == date(2026, 4, 28)


async def test_a_decision_changed_after_the_meeting_keeps_the_original_and_who_changed_it(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _qim_org(sessions)
    clock.set(datetime(2026, 4, 28, 9, 0, tzinfo=UTC))  # the meeting
    qim = services.qim
    meeting_id = (await qim.pack(CHAIR)).meeting.id
    decision = await qim.record_decision(CHAIR, meeting_id, "Themed audit of management oversight in Q3.")
    with pytest.raises(InvalidInput) as empty:
        await qim.record_decision(CHAIR, meeting_id, "   ")
    assert set(empty.value.field_errors) == {"decision"}
    with pytest.raises(InvalidInput):
        await qim.record_decision(CHAIR, meeting_id, "Ring 07700 900123 about it")
    assert await _count(sessions, QimDecision) == 1

    clock.set(datetime(2026, 4, 30, 9, 0, tzinfo=UTC))  # after the meeting
    changed, did_change = await qim.change_decision(
        CHAIR, decision.id, "Themed audit of management oversight in Q3, led by the Principal Social Worker."
    )
    unchanged, again = await qim.change_decision(CHAIR, decision.id, changed.text)

    assert did_change and not again and unchanged == changed
    assert changed.original_text == "Themed audit of management oversight in Q3."
    [change] = changed.changes
    assert (change.changed_by, change.before, change.after_meeting) == (
        "Quinn Adams",
        "Themed audit of management oversight in Q3.",
        True,
    )
    async with sessions() as session:
        rows = list(await session.scalars(select(QimDecisionChange)))
        logged = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "qim_decision")))
    assert [(r.changed_by_id, r.after_meeting) for r in rows] == [(org.qa_lead, True)]
    assert [(e.action, e.detail.get("after_meeting")) for e in logged] == [("change", None), ("change", True)]


async def test_a_service_level_action_needs_an_owner_and_a_due_date(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _qim_org(sessions)
    clock.set(datetime(2026, 4, 28, 9, 0, tzinfo=UTC))
    priority_id = await _priority(sessions, owner_id=org.manager, created_at=clock.now())
    qim = services.qim
    meeting_id = (await qim.pack(CHAIR)).meeting.id

    with pytest.raises(InvalidInput) as problems:
        await qim.raise_action(CHAIR, meeting_id, ServiceActionInput("Audit oversight of every CP plan", "", None))
    assert set(problems.value.field_errors) == {"owner_email", "due_date"}
    with pytest.raises(InvalidInput) as unknown:
        await qim.raise_action(
            CHAIR,
            meeting_id,
            ServiceActionInput("Audit oversight", "nobody@council.example.gov.uk", date(2026, 7, 31), 999),
        )
    assert set(unknown.value.field_errors) == {"owner_email", "priority_id"}
    assert await _count(sessions, Action) == 0, "nothing half-written"

    raised = await qim.raise_action(
        CHAIR,
        meeting_id,
        ServiceActionInput(
            "Audit oversight of every CP plan", "Maya@council.example.gov.uk", date(2026, 7, 31), priority_id
        ),
    )

    assert (raised.owner_name, raised.progress, raised.due_date) == ("Maya Patel", Progress.ON_TRACK, date(2026, 7, 31))
    async with sessions() as session:
        action = await session.get(Action, raised.id)
        link = await session.scalar(select(ImprovementPriorityAction))
    assert action is not None and (action.source, action.source_ref) == ("qim", f"qim:{meeting_id}")
    assert link is not None and (link.priority_id, link.action_id) == (priority_id, raised.id)


async def test_owners_get_a_monthly_update_card_and_the_trail_reaches_the_pack_and_report(
    recorded_services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, outbox: RecordingOutbox
) -> None:
    org = await _qim_org(sessions)
    clock.set(datetime(2026, 4, 28, 9, 0, tzinfo=UTC))
    services = recorded_services
    meeting_id = (await services.qim.pack(CHAIR)).meeting.id
    action = await services.qim.raise_action(
        CHAIR,
        meeting_id,
        ServiceActionInput("Audit oversight of every CP plan", "maya@council.example.gov.uk", date(2026, 7, 31)),
    )
    priority_id = await _priority(sessions, owner_id=org.manager, created_at=clock.now())
    assert await services.assurance.run_monthly() == [], "nothing existed before April began"

    clock.set(datetime(2026, 5, 1, 8, 30, tzinfo=UTC))  # Friday 1 May, 09:30 BST
    sent = await services.assurance.run_monthly()
    assert sorted(sent) == sorted(
        [f"assurance:action:{action.id}:2026-05", f"assurance:priority:{priority_id}:2026-05"]
    )
    assert await services.assurance.run_monthly() == [], "once a month"
    assert {person for person, _ in outbox.keys("assurance:")} == {org.manager}

    with pytest.raises(NotAllowed):
        await services.assurance.record_update(
            PRACTITIONER, AssuredKind.ACTION, action.id, month="2026-05", progress="Done it", rag="green"
        )
    with pytest.raises(InvalidInput) as bad:
        await services.assurance.record_update(
            OWNER, AssuredKind.ACTION, action.id, month="2026-05", progress="", rag="pink"
        )
    assert set(bad.value.field_errors) == {"progress", "rag"}
    entry = await services.assurance.record_update(
        OWNER,
        AssuredKind.ACTION,
        action.id,
        month="2026-05",
        progress="Sampled 12 plans; oversight seen in 9.",
        rag="amber",
    )
    await services.assurance.record_update(
        OWNER, AssuredKind.PRIORITY, priority_id, month="2026-05", progress="Standard drafted with HoS.", rag="green"
    )
    assert (entry.rag, entry.author) == ("amber", "Maya Patel")
    assert await _count(sessions, AssuranceUpdate) == 2
    async with sessions() as session:
        events = list(await session.scalars(select(ActionEvent.kind).where(ActionEvent.action_id == action.id)))
    assert events == ["created", "progress"], "the update is in the action's own story too"

    await services.actions.mark_done(action.id, actor_id=org.manager, evidence="Oversight audit finished.")
    await services.actions.record_impact(action.id, actor_id=org.manager, answer="Oversight now seen in 11 of 12.")
    pack = await services.qim.pack(CHAIR, meeting_id=meeting_id)
    [shown] = pack.actions
    assert (shown.latest_rag, shown.progress, shown.impact_evidenced) == ("amber", Progress.DONE, True)
    assert [(e.kind, e.rag, e.note) for e in pack.trail] == [
        (AssuredKind.ACTION, "amber", "Sampled 12 plans; oversight seen in 9."),
        (AssuredKind.ACTION, "done", "Oversight audit finished."),
        (AssuredKind.ACTION, "impact", "Oversight now seen in 11 of 12."),
        (AssuredKind.PRIORITY, "green", "Standard drafted with HoS."),
    ]
    report = await services.digests.quarterly("service", None, "2026Q2", actor=None)
    sheets = {name: rows for name, _question, rows in report.extra_sections}
    assert [row[3] for row in sheets["Assurance trail"][1:]] == ["amber", "done", "impact", "green"]
    assert sheets["Service-level actions"][1][:2] == [f"#{action.id}", "Audit oversight of every CP plan"]


async def test_the_bi_annual_report_compares_the_half_year_with_the_one_before(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, tmp_path: Path
) -> None:
    await _qim_org(sessions)
    clock.set(datetime(2026, 7, 6, 8, 30, tzinfo=UTC))

    report = await services.digests.half_yearly("service", None, "2026H1", actor=None)

    assert report.digest.period.key == "2026H1"
    assert [p.period.key for p in report.digest.trend][-2:] == ["2025H2", "2026H1"]
    name, _question, rows = report.extra_sections[0]
    assert name == "Against last half-year"
    assert rows[0][1:3] == ["2026H1", "2025H2"]
    write_workbook(report, tmp_path / "half.xlsx")
    assert "Against last half-year" in load_workbook(tmp_path / "half.xlsx").sheetnames
    assert "Jan - Jun 2026 (2026H1)" in render_html(report)
    with pytest.raises(InvalidInput, match="half-year"):
        await services.digests.half_yearly("service", None, "2026H3", actor=None)
    quarterly = await services.digests.quarterly("service", None, "2026Q2", actor=None)
    assert "Against last half-year" not in [name for name, _, _ in quarterly.extra_sections]


async def test_a_pack_whose_hand_over_never_finished_is_handed_over_again(
    recorded_services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, outbox: RecordingOutbox
) -> None:
    await _qim_org(sessions)
    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))
    await recorded_services.qim.post_pack_here(CHAIR, CHANNEL)
    outbox.fail = RuntimeError("the process died at the hand-over")
    with pytest.raises(RuntimeError):
        await recorded_services.qim.run_due()
    outbox.fail = None
    assert await recorded_services.qim.run_due() == [], "claimed by the run that died"

    clock.advance(timedelta(minutes=11))
    assert await recorded_services.qim.run_due() == ["qim-pack:2026-04-28"]


async def test_a_subject_access_export_holds_their_decisions_and_updates(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _qim_org(sessions)
    clock.set(datetime(2026, 4, 28, 9, 0, tzinfo=UTC))
    meeting_id = (await services.qim.pack(CHAIR)).meeting.id
    await services.qim.record_decision(CHAIR, meeting_id, "Themed audit of management oversight in Q3.")
    priority_id = await _priority(sessions, owner_id=org.manager, created_at=clock.now())
    await services.assurance.record_update(
        OWNER, AssuredKind.PRIORITY, priority_id, month="2026-05", progress="Standard drafted.", rag="green"
    )
    service = PersonRightsService(sessions=services.sessions, clock=services.clock)

    chair = (await service.export("quinn@council.example.gov.uk")).sections
    owner = (await service.export("maya@council.example.gov.uk")).sections

    assert [d["text"] for d in chair["qim_decisions"]] == ["Themed audit of management oversight in Q3."]
    assert chair["assurance_updates"] == [] and owner["qim_decisions"] == []
    assert [(u["priority_id"], u["rag"], u["progress"]) for u in owner["assurance_updates"]] == [
        (priority_id, "green", "Standard drafted.")
    ]


async def test_the_retention_purge_takes_the_updates_with_their_action_or_priority(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _qim_org(sessions)
    clock.set(datetime(2026, 4, 28, 9, 0, tzinfo=UTC))
    meeting_id = (await services.qim.pack(CHAIR)).meeting.id
    action = await services.qim.raise_action(
        CHAIR, meeting_id, ServiceActionInput("Audit oversight", "maya@council.example.gov.uk", date(2026, 7, 31))
    )
    priority_id = await _priority(sessions, owner_id=org.manager, created_at=clock.now())
    for kind, subject in ((AssuredKind.ACTION, action.id), (AssuredKind.PRIORITY, priority_id)):
        await services.assurance.record_update(
            OWNER, kind, subject, month="2026-05", progress="Going well.", rag="green"
        )
    await services.actions.mark_done(action.id, actor_id=org.manager, evidence="Audit finished.")
    async with sessions() as session, session.begin():
        priority = await session.get(ImprovementPriority, priority_id)
        assert priority is not None
        priority.status, priority.updated_at = "achieved", clock.now()

    clock.advance(years(7))
    result = await build_retention(services, None).purge()

    assert result.removed["actions: closed actions"] == 1
    assert result.removed["improvement_plan: closed improvement priorities (milestones, history)"] == 1
    assert await _count(sessions, AssuranceUpdate) == 0


async def test_the_pack_answers_the_four_questions_per_meaningful_measure_once_they_are_loaded(
    services: Services, clock: FrozenClock
) -> None:
    from tests.services.test_measures import demo_measures

    clock.set(APRIL_20)
    await services.organisation.import_file(DEMO_FILE)
    assert (await services.qim.pack(None)).measures == (), "no measures file: no section"
    measures = await demo_measures(services)

    pack = await services.qim.pack(None)

    loaded = await measures.overview(month=date(2026, 3, 1))
    assert [m.name for m in pack.measures] == [m.name for m in loaded.measures] and pack.measures
    assert "Meaningful Measures: the four questions" in str(pack_card(pack))


async def test_two_instances_recording_the_same_meeting_at_once_share_one_row(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several instances share one PostgreSQL database; SQLite serves a single local instance")
    await _qim_org(sessions)
    clock.set(APRIL_20)

    first, second = await asyncio.gather(services.qim.pack(ANALYST), services.qim.pack(ANALYST))

    assert first.meeting.id == second.meeting.id
    assert await _count(sessions, QimMeeting) == 1
