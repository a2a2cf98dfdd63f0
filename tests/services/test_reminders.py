"""Reminders through the real delivery engine and the fake Bot Connector, with time travel.

The clock jumps an hour at a time through weeks of calendar (no sleeping); the reminder job is
run at every step exactly as the periodic job would; what reaches Teams is read back from the
fake connector.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from qop.app import build_services
from services.actions import NewAction
from services.container import Services
from services.reminder_job import run_once
from storage.db import create_engine
from storage.models import ActionSource, Delivery, DeliveryStatus, SentReminder
from tests.support.action_org import Org, give_personal_chats, make_org
from tests.support.delivery import DeliveryHarness, eventually

BST_STARTS = date(2026, 3, 29)


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions, teams_ids=True)


@pytest.fixture
async def chats(sessions, org: Org, delivery: DeliveryHarness) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return await give_personal_chats(sessions, delivery.connector.service_url)


async def travel(
    services: Services, until: datetime, *, step: timedelta = timedelta(hours=1), calendar: bool = False
) -> None:
    """Move the clock to ``until`` an hour at a time, running the action reminders (and, with
    ``calendar``, the whole job including the QA calendar) at every step."""
    clock = services.clock
    while clock.now() < until:
        clock.advance(step)
        await (run_once(services) if calendar else services.reminders.run_due_reminders())


async def sent_keys(services: Services, prefix: str = "action:") -> list[tuple[str, datetime]]:
    """Reminders claimed so far (action reminders by default; ``calendar:`` for the QA calendar)."""
    async with services.sessions() as session:
        rows = await session.scalars(
            select(SentReminder)
            .where(SentReminder.key.startswith(prefix))
            .order_by(SentReminder.claimed_at, SentReminder.id)
        )
        return [(row.key, row.claimed_at) for row in rows]


async def received(delivery: DeliveryHarness, chat: str, count: int) -> list[str]:
    """The card texts a chat received, once ``count`` messages have arrived."""

    async def arrived():  # type: ignore[no-untyped-def]
        messages = delivery.connector.in_conversation(chat)
        return messages if len(messages) >= count else None

    messages = await eventually(arrived, within=60, what=f"{count} messages in {chat}")
    return [json.dumps(m.cards[0], ensure_ascii=False) for m in messages]


async def all_settled(services: Services) -> bool:
    async with services.sessions() as session:
        statuses = list(await session.scalars(select(Delivery.status)))
    return bool(statuses) and DeliveryStatus.QUEUED.value not in statuses


def key_kinds(keys: list[tuple[str, datetime]]) -> list[str]:
    return [":".join(key.split(":")[2:]) for key, _ in keys]


async def test_a_month_of_reminders_across_bst_and_easter(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Update the plan with the family's goal", org.practitioner, date(2026, 4, 2)),
        actor_id=org.manager,
    )
    await travel(services, datetime(2026, 4, 21, tzinfo=UTC))

    keys = await sent_keys(services)
    assert key_kinds(keys) == [
        "due_soon:2026-03-30",
        "due_today:2026-04-02",
        "overdue:2026-04-08",  # Good Friday and Easter Monday are skipped
        "overdue:2026-04-10",
        "escalation:2026-04-13",
        "overdue:2026-04-14",
        "overdue:2026-04-16",
        "overdue:2026-04-20",
    ]
    # Sent at 09:00 on the London wall clock: 08:00 UTC, BST having started on 29 March.
    assert all(when.hour == 8 and when.minute == 0 for _, when in keys)
    assert all(when.date().weekday() < 5 for _, when in keys)

    owner_cards = await received(delivery, chats[org.practitioner], 7)
    assert "An action is due soon" in owner_cards[0] and "An action is due today" in owner_cards[1]
    assert all("An action is overdue" in card for card in owner_cards[2:])
    [escalation] = await received(delivery, chats[org.manager], 1)
    assert "An action in your team is overdue" in escalation and "Priya Shah" in escalation
    assert f'"action_id": {action.id}' in owner_cards[0]
    assert delivery.connector.duplicates == 0


async def test_before_bst_reminders_go_at_nine_utc(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 3, 9, 7, 0, tzinfo=UTC))
    await services.actions.create(
        NewAction(ActionSource.QIM, "Share QIM learning", org.practitioner, date(2026, 3, 18)), actor_id=org.manager
    )
    await travel(services, datetime(2026, 3, 19, tzinfo=UTC))
    keys = await sent_keys(services)
    assert [(k.split(":")[2], w) for k, w in keys] == [
        ("due_soon", datetime(2026, 3, 13, 9, 0, tzinfo=UTC)),
        ("due_today", datetime(2026, 3, 18, 9, 0, tzinfo=UTC)),
    ]
    assert keys[-1][1].date() < BST_STARTS


async def test_a_snooze_refused_keeps_the_plan_and_one_approved_replans(
    services: Services, org: Org, chats, delivery
) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Record the child's views", org.practitioner, date(2026, 1, 21)),
        actor_id=org.manager,
    )
    await travel(services, datetime(2026, 1, 16, 12, tzinfo=UTC))  # the nudge went out on Friday 16th
    refused = await services.actions.propose_due_date(
        action.id, actor_id=org.practitioner, new_date=date(2026, 2, 27), reason="Waiting for the network meeting"
    )
    [proposal_card] = await received(delivery, chats[org.manager], 1)
    assert "A new date has been asked for" in proposal_card and "Waiting for the network meeting" in proposal_card
    await services.actions.decide_due_date(refused.id, actor_id=org.manager, approve=False, note="Please keep it")
    await travel(services, datetime(2026, 1, 21, 12, tzinfo=UTC))  # still due on the 21st
    approved = await services.actions.propose_due_date(
        action.id, actor_id=org.practitioner, new_date=date(2026, 2, 4), reason="The family were ill"
    )
    await services.actions.decide_due_date(approved.id, actor_id=org.manager, approve=True)
    await travel(services, datetime(2026, 2, 5, tzinfo=UTC))

    assert key_kinds(await sent_keys(services)) == [
        "due_soon:2026-01-16",
        "due_today:2026-01-21",
        "due_soon:2026-01-30",  # re-planned from the approved date
        "due_today:2026-02-04",
    ]


async def test_done_and_cancelled_actions_get_nothing_more(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    done = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Chronology", org.practitioner, date(2026, 1, 14)), actor_id=org.manager
    )
    cancelled = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Genogram", org.colleague, date(2026, 1, 14)), actor_id=org.manager
    )
    await services.actions.mark_done(done.id, actor_id=org.practitioner, evidence="Updated")
    await services.actions.cancel(cancelled.id, actor_id=org.manager, reason="Case closed")
    await travel(services, datetime(2026, 2, 20, tzinfo=UTC))
    assert await sent_keys(services) == []


async def test_impact_review_closes_the_loop(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Share the plan with the child", org.practitioner, date(2026, 1, 30)),
        actor_id=org.manager,
    )
    services.clock.set(datetime(2026, 1, 14, 10, 0, tzinfo=UTC))
    await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="Words and pictures plan shared")
    await travel(services, datetime(2026, 2, 25, 7, tzinfo=UTC))
    assert await sent_keys(services) == []  # six weeks have not passed

    await travel(services, datetime(2026, 2, 25, 12, tzinfo=UTC))
    assert key_kinds(await sent_keys(services)) == ["impact:2026-02-25"]
    [impact_card] = await received(delivery, chats[org.practitioner], 1)
    assert "What difference has this made for children and families, and how do you know?" in impact_card

    await services.actions.record_impact(action.id, actor_id=org.practitioner, answer="Child can say what the plan is")
    [review] = await received(delivery, chats[org.manager], 1)
    assert "Impact recorded" in review and "Child can say what the plan is" in review
    await services.actions.ask_for_more_impact(action.id, actor_id=org.manager, note="What do school say?")
    await travel(services, datetime(2026, 2, 27, tzinfo=UTC))
    assert key_kinds(await sent_keys(services))[-1] == "impact_more:2026-02-25"
    cards = await received(delivery, chats[org.practitioner], 2)
    assert "What do school say?" in cards[1]


async def test_exactly_once_across_a_restart_and_two_instances(
    services: Services, org: Org, chats, delivery, settings
) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    for n in range(5):
        await services.actions.create(
            NewAction(ActionSource.AUDIT, f"Action {n}", org.practitioner, date(2026, 1, 14)), actor_id=org.manager
        )
    services.clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    first_run = await services.reminders.run_due_reminders()
    assert len(first_run.sent) == 5
    async with services.sessions() as session, session.begin():
        crashed = await session.scalar(select(SentReminder).order_by(SentReminder.id).limit(1))
        crashed.handed_over_at = None  # as if the process died between claiming and handing over

    # "Restart": new engines and services on the same database, same day, and two of them at once.
    engines = [create_engine(settings.database_url) for _ in range(2)]
    try:
        restarted = [build_services(settings, engine, clock=services.clock) for engine in engines]
        runs = await asyncio.gather(*(s.reminders.run_due_reminders() for s in restarted))
        assert [run.sent for run in runs] == [[], []]
        services.clock.advance(timedelta(minutes=15))
        runs = await asyncio.gather(*(s.reminders.run_due_reminders() for s in restarted))
        rehanded = [key for run in runs for key in run.rehanded]
        assert len(rehanded) in (1, 2)  # both may re-hand the stale claim; the delivery key keeps it one message
    finally:
        for engine in engines:
            await engine.dispose()

    await eventually(lambda: all_settled(services), within=60, what="every delivery to settle")
    assert len(await received(delivery, chats[org.practitioner], 5)) == 5
    assert delivery.connector.duplicates == 0


async def test_reminders_follow_the_recipients_own_time_zone(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Person

    async with services.sessions() as session, session.begin():
        (await session.get(Person, org.practitioner)).time_zone = "Asia/Kolkata"  # 09:00 there is 03:30 UTC
    services.clock.set(datetime(2026, 1, 12, 0, 0, tzinfo=UTC))
    await services.actions.create(
        NewAction(ActionSource.MANUAL, "Send the visit notes", org.practitioner, date(2026, 1, 13)),
        actor_id=org.manager,
    )
    await travel(services, datetime(2026, 1, 13, 12, tzinfo=UTC), step=timedelta(minutes=30))
    assert [(k.split(":")[2], w) for k, w in await sent_keys(services)] == [
        ("due_today", datetime(2026, 1, 13, 3, 30, tzinfo=UTC))
    ]


async def test_the_qa_calendar_reminds_the_responsible_roles_once(
    services: Services, org: Org, chats, delivery
) -> None:  # type: ignore[no-untyped-def]
    from views.calendar import RecordSubmission

    services.clock.set(datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    await travel(services, datetime(2026, 4, 30, 23, tzinfo=UTC), calendar=True)
    keys = [(*_calendar_key(key), when) for key, when in await sent_keys(services, "calendar:")]
    by_person: dict[int, list[tuple[str, str, str, datetime]]] = {}
    for activity, due, unit, person, when in keys:
        by_person.setdefault(person, []).append((activity, due, unit, when))
    area = by_person[org.manager][1][2]
    # Nobody holds the QA Head of Service, a senior manager or the service director here: the QA lead stands in.
    assert by_person[org.qa_lead] == [
        ("performance_qa_report", "2026-04-20", "service", datetime(2026, 4, 2, 8, 0, tzinfo=UTC)),
        ("performance_clinic", "2026-04-15", area, datetime(2026, 4, 8, 8, 0, tzinfo=UTC)),
        ("moderation_group", "2026-04-20", "service", datetime(2026, 4, 13, 8, 0, tzinfo=UTC)),
        ("qim", "2026-04-28", "service", datetime(2026, 4, 14, 8, 0, tzinfo=UTC)),
        ("senior_leadership_performance_clinic", "2026-04-22", "service", datetime(2026, 4, 15, 8, 0, tzinfo=UTC)),
        ("practice_days", "2026-05-14", area, datetime(2026, 4, 15, 8, 0, tzinfo=UTC)),
    ]
    for manager in (org.manager, org.other_manager):
        assert [(a, d, u) for a, d, u, _ in by_person[manager]] == [
            ("supervision", "2026-04-10", f"manager-{manager}"),  # each manager's own supervision
            ("performance_clinic", "2026-04-15", area),  # the area's clinic, held by its managers together
        ]
    assert area.startswith("area-")
    assert set(by_person) == {org.qa_lead, org.manager, org.other_manager}

    cards = await received(delivery, chats[org.qa_lead], 5)
    assert "Coming up: Quality Improvement Meeting (QIM)" in cards[3] and '"due_on": "2026-04-28"' in cards[3]
    assert "Extended leadership team" in cards[3]  # the framework's responsibility, from the calendar file
    assert "Nobody in the organisation file holds the role of QA head of service" in cards[3]
    held = await services.qa_calendar.record(
        "qim", "service", date(2026, 4, 28), RecordSubmission("2026-04-28", "", ""), person_id=org.qa_lead
    )
    assert held.held_on == date(2026, 4, 28) and not held.already_recorded


async def test_a_principal_social_worker_is_reminded_of_the_moderation_group(
    services: Services, org: Org, delivery
) -> None:  # type: ignore[no-untyped-def]
    """Appendix 2 names the Head of Service, the Principal Social Worker and the IRO manager for the
    moderation group: whoever holds those roles is reminded; the QA lead stands in for the IRO manager."""
    from storage.models import Role
    from tests.support.action_org import add_role_holder, add_senior_manager

    head = await add_senior_manager(services.sessions, name="Hana Reid", role=Role.HEAD_OF_SERVICE)
    psw = await add_role_holder(services.sessions, Role.PRINCIPAL_SOCIAL_WORKER, number=8, name="Pat Lowe")
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 4, 10, 0, 0, tzinfo=UTC))
    await travel(services, datetime(2026, 4, 13, 12, tzinfo=UTC), calendar=True)

    moderation = [_calendar_key(key) for key, _ in await sent_keys(services, "calendar:moderation_group:")]
    assert moderation == [("moderation_group", "2026-04-20", "service", person) for person in (org.qa_lead, head, psw)]
    [to_psw] = [card for card in await received(delivery, chats[psw], 1) if "Moderation group" in card]
    assert "Coming up: Moderation group" in to_psw and "Principal Social Worker" in to_psw
    assert "Nobody in the organisation file" not in to_psw
    [to_qa_lead] = [card for card in await received(delivery, chats[org.qa_lead], 1) if "Moderation group" in card]
    assert "holds the role of IRO manager for it" in to_qa_lead


async def test_one_managers_record_leaves_another_managers_reminder_running(
    services: Services, org: Org, chats, delivery
) -> None:  # type: ignore[no-untyped-def]
    from views.calendar import RecordSubmission

    services.clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    await services.qa_calendar.record(
        "supervision",
        f"manager-{org.manager}",
        date(2026, 4, 10),
        RecordSubmission("2026-04-01", str(org.practitioner), "Brought forward before Easter."),
        person_id=org.manager,
    )
    await travel(services, datetime(2026, 4, 10, 18, tzinfo=UTC), calendar=True)
    supervision = [_calendar_key(key) for key, _ in await sent_keys(services, "calendar:supervision:")]
    assert supervision == [("supervision", "2026-04-10", f"manager-{org.other_manager}", org.other_manager)]


def _calendar_key(key: str) -> tuple[str, str, str, int]:
    """(activity, due date, unit, person) from a calendar reminder key (service-wide keys carry no unit)."""
    parts = key.split(":")
    unit = parts[3] if len(parts) == 6 else "service"
    return parts[1], parts[2], unit, int(parts[-1])


async def test_downtime_is_caught_up_the_next_working_morning(services: Services, org: Org, chats, delivery) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 3, 23, 8, 0, tzinfo=UTC))
    await services.actions.create(
        NewAction(ActionSource.AUDIT, "Plan review", org.practitioner, date(2026, 4, 2)), actor_id=org.manager
    )
    await travel(services, datetime(2026, 3, 27, 12, tzinfo=UTC))
    # qop is down from Friday 27 March until the evening of Easter Monday, 6 April.
    services.clock.set(datetime(2026, 4, 6, 19, 0, tzinfo=UTC))
    await travel(services, datetime(2026, 4, 7, 12, tzinfo=UTC))
    assert [(k.split(":")[2:], w) for k, w in await sent_keys(services)] == [
        (["due_today", "2026-04-02"], datetime(2026, 4, 7, 8, 0, tzinfo=UTC))  # one card, not a pile
    ]


async def test_a_team_managers_overdue_action_escalates_to_the_areas_senior_manager_once(
    services: Services, org: Org, delivery
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.action_org import add_senior_manager

    senior = await add_senior_manager(services.sessions)
    elsewhere = await add_senior_manager(services.sessions, number=8, name="Erin Lowe", area="Early Help")
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    raised_at_qim = await services.actions.create(
        NewAction(ActionSource.QIM, "Audit the team's plans for the child's voice", org.manager, date(2026, 4, 2)),
        actor_id=org.qa_lead,
    )
    ordinary = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Update the plan", org.practitioner, date(2026, 4, 2)), actor_id=org.manager
    )
    await travel(services, datetime(2026, 4, 14, 12, tzinfo=UTC))  # K = 5 working days after 2 April: 13 April

    escalations = [key for key, _ in await sent_keys(services) if "escalation" in key]
    assert sorted(escalations) == sorted(
        [
            f"action:{raised_at_qim.id}:senior_escalation:2026-04-13:{senior}",
            f"action:{ordinary.id}:escalation:2026-04-13",  # an owner with a line manager: unchanged
        ]
    )
    again = await asyncio.gather(services.reminders.run_due_reminders(), services.reminders.run_due_reminders())
    assert [run.sent for run in again] == [[], []]
    assert [key for key, _ in await sent_keys(services) if "escalation" in key] == escalations

    [to_senior] = await received(delivery, chats[senior], 1)
    assert "An overdue action in your service area has no line manager" in to_senior and "Maya Patel" in to_senior
    # What a senior manager may do with it: the date, reassign within their area, cancel; not the owner's work.
    assert "Change the date" in to_senior and "Reassign" in to_senior and "Cancel action" in to_senior
    assert "Mark done" not in to_senior and "Record progress" not in to_senior
    assert "Priya Shah" in to_senior and "Omar Hassan" in to_senior and "Quinn Adams" not in to_senior
    # The manager also gets their own overdue reminders: read their chat once everything is sent.
    await eventually(lambda: all_settled(services), within=60, what="every delivery to settle")
    manager_cards = await received(delivery, chats[org.manager], 1)
    [line_escalation] = [card for card in manager_cards if "An action in your team is overdue" in card]
    assert "Priya Shah" in line_escalation and "Record progress" in line_escalation
    assert delivery.connector.in_conversation(chats[org.qa_lead]) == []
    assert delivery.connector.in_conversation(chats[elsewhere]) == []
    assert len(delivery.connector.in_conversation(chats[senior])) == 1
    assert delivery.connector.duplicates == 0


async def test_with_no_senior_manager_in_the_area_it_goes_to_the_qa_lead(
    services: Services, org: Org, chats, delivery
) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime(2026, 1, 13, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.QIM, "Share the QIM learning", org.manager, date(2026, 1, 14)), actor_id=org.manager
    )
    await travel(services, datetime(2026, 1, 22, 12, tzinfo=UTC))
    escalations = [key for key, _ in await sent_keys(services) if "escalation" in key]
    assert escalations == [f"action:{action.id}:senior_escalation:2026-01-21:{org.qa_lead}"]
    [to_qa] = await received(delivery, chats[org.qa_lead], 1)
    assert "An overdue action has nobody above its owner" in to_qa and "Maya Patel" in to_qa
    assert "Reassign" in to_qa and "Mark done" not in to_qa and "Record progress" not in to_qa


async def test_a_head_of_service_of_the_area_receives_the_escalation_once(
    services: Services, org: Org, delivery
) -> None:  # type: ignore[no-untyped-def]
    """Heads of Service are the senior managers of their area: each hears once, even holding both roles."""
    from storage.models import Role, RoleAssignment
    from tests.support.action_org import add_senior_manager

    senior = await add_senior_manager(services.sessions)
    head = await add_senior_manager(services.sessions, number=8, name="Hana Reid", role=Role.HEAD_OF_SERVICE)
    other_head = await add_senior_manager(
        services.sessions, number=9, name="Erin Lowe", area="Early Help", role=Role.HEAD_OF_SERVICE
    )
    async with services.sessions() as session, session.begin():  # Sam is also the area's Head of Service
        area_id = await session.scalar(select(RoleAssignment.service_area_id).where(RoleAssignment.person_id == head))
        session.add(RoleAssignment(person_id=senior, role=Role.HEAD_OF_SERVICE.value, service_area_id=area_id))
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.QIM, "Audit the team's plans for the child's voice", org.manager, date(2026, 4, 2)),
        actor_id=org.qa_lead,
    )
    await travel(services, datetime(2026, 4, 14, 12, tzinfo=UTC))

    escalations = [key for key, _ in await sent_keys(services) if "escalation" in key]
    assert sorted(escalations) == sorted(
        f"action:{action.id}:senior_escalation:2026-04-13:{person}" for person in (senior, head)
    )
    [to_head] = await received(delivery, chats[head], 1)
    assert "An overdue action in your service area has no line manager" in to_head and "Maya Patel" in to_head
    assert "Reassign" in to_head and "Mark done" not in to_head
    await eventually(lambda: all_settled(services), within=60, what="every delivery to settle")
    assert len(delivery.connector.in_conversation(chats[senior])) == 1
    assert delivery.connector.in_conversation(chats[other_head]) == []
    assert delivery.connector.in_conversation(chats[org.qa_lead]) == []
    assert delivery.connector.duplicates == 0


async def test_with_nobody_above_in_the_area_the_qa_head_of_service_hears_with_the_qa_lead(
    services: Services, org: Org, delivery
) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Role
    from tests.support.action_org import add_role_holder

    qa_head = await add_role_holder(services.sessions, Role.QA_HEAD_OF_SERVICE, number=8, name="Nia Brooks")
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 1, 13, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.QIM, "Share the QIM learning", org.manager, date(2026, 1, 14)), actor_id=org.manager
    )
    await travel(services, datetime(2026, 1, 22, 12, tzinfo=UTC))
    escalations = [key for key, _ in await sent_keys(services) if "escalation" in key]
    assert sorted(escalations) == sorted(
        f"action:{action.id}:senior_escalation:2026-01-21:{person}" for person in (org.qa_lead, qa_head)
    )
    [to_qa_head] = await received(delivery, chats[qa_head], 1)
    assert "An overdue action has nobody above its owner" in to_qa_head and "Maya Patel" in to_qa_head


async def test_a_manager_who_has_left_is_no_manager_the_senior_manager_hears_instead(
    services: Services, org: Org, delivery
) -> None:  # type: ignore[no-untyped-def]
    """The organisation import deactivates people who left; their team's actions must not wait on them."""
    from storage.models import Person
    from tests.support.action_org import add_senior_manager

    senior = await add_senior_manager(services.sessions)
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    action = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Update the plan", org.practitioner, date(2026, 4, 2)), actor_id=org.manager
    )
    assert (await services.actions.get(action.id, actor_id=org.practitioner)).manager_id == org.manager
    async with services.sessions() as session, session.begin():
        (await session.get(Person, org.manager)).active = False  # Maya has left the council
    assert (await services.actions.get(action.id, actor_id=org.practitioner)).manager_id is None

    asked = await services.actions.propose_due_date(
        action.id, actor_id=org.practitioner, new_date=date(2026, 4, 9), reason="Family visit moved"
    )
    assert asked.decision == "pending"
    [date_request] = await received(delivery, chats[senior], 1)
    assert "A new date has been asked for" in date_request and "Priya Shah" in date_request
    await services.actions.decide_due_date(asked.id, actor_id=senior, approve=False)

    await travel(services, datetime(2026, 4, 14, 12, tzinfo=UTC))  # K = 5 working days after 2 April: 13 April
    escalations = [key for key, _ in await sent_keys(services) if "escalation" in key]
    assert escalations == [f"action:{action.id}:senior_escalation:2026-04-13:{senior}"]
    escalation = (await received(delivery, chats[senior], 2))[1]
    assert "An overdue action in your service area has no line manager" in escalation and "Priya Shah" in escalation
    assert "Reassign" in escalation and "Mark done" not in escalation
    await eventually(lambda: all_settled(services), within=60, what="every delivery to settle")
    assert delivery.connector.in_conversation(chats[org.manager]) == []
