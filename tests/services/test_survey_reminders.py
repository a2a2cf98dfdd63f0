"""Surveys without anyone pressing anything: the automatic closing reminder (once, only to
non-responders, in working hours, through the delivery engine and the fake Bot Connector), and
the written comments in results (only for groups that met the threshold, unattributed, sorted,
screened for personal data and capped)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from qop.app import build_services
from qop.cli import cli
from qop.cli_feedback import with_services
from services.container import Services
from services.delivery.records import work_for
from services.errors import NotAllowed
from services.feedback.surveys import Audience
from services.reminder_job import run_once
from services.reminders import claim
from storage.models import Delivery, DeliveryStatus, FeedbackResponse, Person, SentReminder, Team
from tests.support.action_org import Org, give_personal_chats, make_org
from tests.support.delivery import DeliveryHarness, eventually
from tests.support.organisation import SMALL_ORGANISATION, write
from tests.support.surveys import PULSE

REMINDER = "Reminder: you haven't answered"
INVITATION = "Anonymous: nobody, including your manager"


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions, teams_ids=True)


async def _team_ids(services: Services) -> tuple[int, ...]:
    async with services.sessions() as session:
        return tuple(await session.scalars(select(Team.id).order_by(Team.id)))


async def _cards_in(delivery: DeliveryHarness, chat: str, phrase: str) -> int:
    return sum(1 for m in delivery.connector.in_conversation(chat) if any(phrase in json.dumps(c) for c in m.cards))


async def _all_settled(services: Services) -> bool | None:
    async with services.sessions() as session:
        statuses = list(await session.scalars(select(Delivery.status)))
    return (bool(statuses) and DeliveryStatus.QUEUED.value not in statuses) or None


async def _reminded_once_each(
    services: Services, delivery: DeliveryHarness, chats: dict[int, str], people: tuple[int, ...], what: str
) -> None:
    """Each of ``people`` gets the closing reminder in their chat, every delivery settles, and
    then nobody has it twice."""
    for person in people:
        await eventually(lambda p=person: _cards_in(delivery, chats[p], REMINDER), what=what)
    await eventually(lambda: _all_settled(services), what="every delivery settled")
    assert [await _cards_in(delivery, chats[p], REMINDER) for p in people] == [1] * len(people)


async def _closing_claims(services: Services) -> list[tuple[str, datetime]]:
    async with services.sessions() as session:
        rows = await session.scalars(select(SentReminder).where(SentReminder.kind == "survey-closing"))
        return [(row.key, row.claimed_at) for row in rows]


async def test_non_responders_get_one_reminder_two_working_days_before_close(
    services: Services, org: Org, delivery: DeliveryHarness
) -> None:
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # Monday, before working hours
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=await _team_ids(services)),
        closes_on=date(2026, 3, 13),  # Friday week: the reminder is due on Wednesday the 11th
    )
    survey_id = started.view.survey_id
    everyone = (org.practitioner, org.colleague, org.manager, org.other_manager, org.outsider)
    assert started.invited == len(everyone)
    for person in everyone:
        await eventually(lambda p=person: _cards_in(delivery, chats[p], INVITATION), what="the invitation")
    for person in (org.practitioner, org.colleague):
        await services.surveys.answer(actor_id=person, survey_id=survey_id, submitted=PULSE)

    # The periodic job, every hour for two weeks, exactly as it runs in production.
    while services.clock.now() < datetime(2026, 3, 16, tzinfo=UTC):
        services.clock.advance(timedelta(hours=1))
        await run_once(services)

    claims = await _closing_claims(services)
    assert claims == [(f"survey:{survey_id}:closing", datetime(2026, 3, 11, 9, 0, tzinfo=UTC))]
    pending = (org.manager, org.other_manager, org.outsider)

    async def reminded() -> int | None:
        counts = [await _cards_in(delivery, chats[p], REMINDER) for p in pending]
        return sum(counts) if sum(counts) >= len(pending) else None

    assert await eventually(reminded, what="the closing reminders") == len(pending)
    await eventually(lambda: _all_settled(services), what="every delivery settled")
    for person in pending:
        assert await _cards_in(delivery, chats[person], REMINDER) == 1, "one reminder each, not one a run"
    for person in (org.practitioner, org.colleague):
        assert await _cards_in(delivery, chats[person], REMINDER) == 0, "nobody who answered is reminded"
    assert delivery.connector.duplicates == 0


async def test_two_instances_at_once_send_the_closing_reminder_once(
    services: Services, org: Org, delivery: DeliveryHarness
) -> None:
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))  # Monday
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=(await _team_ids(services))[:1]),
        closes_on=date(2026, 3, 11),  # Wednesday: the reminder is due today, the day it was sent
    )
    assert await services.surveys.run_closing_reminders() == [], "never on the day the survey was sent"
    services.clock.set(datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    first, second = await asyncio.gather(
        services.surveys.run_closing_reminders(), services.surveys.run_closing_reminders()
    )
    assert sorted([first, second]) == [[], [f"survey:{started.view.survey_id}:closing"]]
    assert await services.surveys.run_closing_reminders() == []
    await _reminded_once_each(services, delivery, chats, (org.practitioner, org.colleague, org.manager), "the reminder")


async def test_a_claim_left_by_a_crash_is_handed_over_by_a_later_run(
    services: Services, org: Org, delivery: DeliveryHarness
) -> None:
    chats = await give_personal_chats(services.sessions, delivery.connector.service_url)
    services.clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=(await _team_ids(services))[:1]),
        closes_on=date(2026, 3, 12),
    )
    key = f"survey:{started.view.survey_id}:closing"
    services.clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    # An instance claimed the reminder and stopped before handing it over.
    assert await claim(
        services.sessions,
        key=key,
        kind="survey-closing",
        day=date(2026, 3, 10),
        recipient_id=org.qa_lead,
        action_id=None,
        now=services.clock.now(),
    )
    services.clock.advance(timedelta(minutes=5))
    assert await services.surveys.run_closing_reminders() == [], "another run may still be on it"
    services.clock.advance(timedelta(minutes=10))
    assert await services.surveys.run_closing_reminders() == [key]
    assert await services.surveys.run_closing_reminders() == []
    await _reminded_once_each(
        services, delivery, chats, (org.practitioner, org.colleague, org.manager), "the re-handed reminder"
    )


async def test_a_closed_survey_and_nights_get_no_automatic_reminder(
    services: Services, org: Org, delivery: DeliveryHarness
) -> None:
    services.clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=await _team_ids(services)),
        closes_on=date(2026, 3, 12),
    )
    services.clock.set(datetime(2026, 3, 10, 21, 0, tzinfo=UTC))  # the right day, but at night
    assert await services.surveys.run_closing_reminders() == []
    services.clock.set(datetime(2026, 3, 13, 10, 0, tzinfo=UTC))  # the day after it closed
    assert await services.surveys.run_closing_reminders() == []
    assert await _closing_claims(services) == []
    assert started.invited == 5


async def _riverside_with(services: Services, extra: int) -> list[int]:
    """Riverside's people, with ``extra`` more practitioners so the team can reach the threshold."""
    async with services.sessions() as session, session.begin():
        team_id = await session.scalar(select(Team.id).where(Team.name == "Riverside Locality Team"))
        for number in range(extra):
            session.add(
                Person(
                    display_name=f"Riverside Worker {number}",
                    email=f"worker{number}@council.example.gov.uk",
                    in_organisation=True,
                    team_id=team_id,
                )
            )
    async with services.sessions() as session:
        return list(await session.scalars(select(Person.id).where(Person.team_id == team_id).order_by(Person.id)))


async def test_comments_appear_once_a_group_meets_the_threshold(services: Services, org: Org) -> None:
    riverside = await _riverside_with(services, 4)
    team_ids = await _team_ids(services)
    started = await services.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=team_ids),
        closes_on=services.surveys.today() + timedelta(days=10),
        send=False,
    )
    survey_id = started.view.survey_id
    comments = [
        "more time for direct work",
        "Fewer forms on a Friday",
        "",
        "A second duty worker on Mondays",
    ]
    for person, comment in zip(riverside, comments, strict=False):
        await services.surveys.answer(actor_id=person, survey_id=survey_id, submitted={**PULSE, "one_thing": comment})
    await services.surveys.answer(
        actor_id=org.outsider, survey_id=survey_id, submitted={**PULSE, "one_thing": "Hillside needs a new manager"}
    )

    early = await services.surveys.results(survey_id, actor_id=org.qa_lead)
    assert all(group.comments == () for group in (early.overall, *early.groups)), "four answers: no comments yet"
    assert "Hillside needs a new manager" not in repr(early)

    await services.surveys.answer(
        actor_id=riverside[4], survey_id=survey_id, submitted={**PULSE, "one_thing": "*Bold* claims [link](x)"}
    )
    shown = await services.surveys.results(survey_id, actor_id=org.qa_lead)
    [river] = [g for g in shown.groups if g.name == "Riverside Locality Team"]
    [hill] = [g for g in shown.groups if g.name != "Riverside Locality Team"]
    assert river.shown and not hill.shown
    [written] = river.comments
    assert written.question == "What one thing would make the biggest difference to your work?"
    assert written.shown == (
        "*Bold* claims [link](x)",
        "A second duty worker on Mondays",
        "Fewer forms on a Friday",
        "more time for direct work",
    ), "alphabetical, never in the order they arrived"
    assert hill.comments == () and shown.overall.comments == (), "a small group's comment is shown nowhere"
    assert "Hillside needs a new manager" not in repr(shown)
    # A manager who did not send it sees nothing.
    with pytest.raises(NotAllowed):
        await services.surveys.results(survey_id, actor_id=org.manager)


async def test_comments_are_capped_and_screened_again(services: Services, org: Org, settings, engine) -> None:  # type: ignore[no-untyped-def]
    capped = build_services(settings.model_copy(update={"survey_comments_shown": 2}), engine, clock=services.clock)
    riverside = await _riverside_with(services, 4)
    started = await capped.surveys.start(
        actor_id=org.qa_lead,
        template_id="staff-pulse",
        audience=Audience(team_ids=(await _team_ids(services))[:1]),
        closes_on=services.surveys.today() + timedelta(days=10),
        send=False,
    )
    for number, person in enumerate(riverside):
        await capped.surveys.answer(
            actor_id=person, survey_id=started.view.survey_id, submitted={**PULSE, "one_thing": f"Idea {number}"}
        )
    # An answer stored before the screen existed (or that slipped past it) is never shown.
    async with services.sessions() as session, session.begin():
        response = await session.scalar(
            select(FeedbackResponse).where(FeedbackResponse.survey_id == started.view.survey_id).limit(1)
        )
        assert response is not None
        response.answers = {**response.answers, "one_thing": "Call me on 07700 900123"}
    results = await capped.surveys.results(started.view.survey_id, actor_id=org.qa_lead)
    [written] = results.groups[0].comments
    assert len(written.shown) == 2 and written.not_shown == len(riverside) - 1 - 2 and written.withheld == 1
    assert "07700" not in repr(results)


def test_the_command_line_shows_comments_once_a_team_is_big_enough(
    database_url: str, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "3")
    runner = CliRunner()
    assert runner.invoke(cli, ["org", "import", str(write(tmp_path, SMALL_ORGANISATION))]).exit_code == 0
    said = {
        "dana.marsh@northshire.example": "Protected time for direct work",
        "sam.okafor@northshire.example": "a quieter office",
        "jo.pritchard@northshire.example": "Better laptops",
    }

    async def send(services: Services) -> int:
        async with services.sessions() as session:
            riverside = await session.scalar(select(Team.id).where(Team.name == "Riverside Locality Team"))
            people = dict((await session.execute(select(Person.email, Person.id))).all())
        started = await services.surveys.start(
            actor_id=people["quinn.hale@northshire.example"],
            template_id="staff-pulse",
            audience=Audience(team_ids=(riverside,)),
            closes_on=services.surveys.today() + timedelta(days=10),
            send=False,
        )
        for email in list(said)[:2]:
            await services.surveys.answer(
                actor_id=people[email], survey_id=started.view.survey_id, submitted={**PULSE, "one_thing": said[email]}
            )
        return started.view.survey_id

    survey_id = with_services(send)
    results = ["survey", "results", str(survey_id), "--as", "quinn.hale@northshire.example"]
    hidden = runner.invoke(cli, results, env={"COLUMNS": "160"})
    assert hidden.exit_code == 0, hidden.output
    assert "2 of 3 answered" in hidden.output and "hidden until 3 people" in hidden.output
    assert not any(comment in hidden.output for comment in said.values())

    async def last_answer(services: Services) -> None:
        async with services.sessions() as session:
            jo = await session.scalar(select(Person.id).where(Person.email == "jo.pritchard@northshire.example"))
        assert jo is not None
        await services.surveys.answer(
            actor_id=jo, survey_id=survey_id, submitted={**PULSE, "one_thing": said["jo.pritchard@northshire.example"]}
        )

    with_services(last_answer)
    shown = runner.invoke(cli, results, env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "Comments (no names, alphabetical): What one thing would make" in shown.output
    lines = [line.strip() for line in shown.output.splitlines() if line.strip().startswith("- ")]
    assert lines == ["- a quieter office", "- Better laptops", "- Protected time for direct work"]
    assert not any(name in shown.output for name in ("Dana", "Sam", "Jo "))


def test_the_command_line_sends_a_survey_before_qop_has_ever_run(
    database_url: str, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A QA lead may send from a shell on a database no instance has started on yet: the queue's
    tables are made then and there, and every invitation is queued for the first instance."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["org", "import", str(write(tmp_path, SMALL_ORGANISATION))]).exit_code == 0
    closes = (date.today() + timedelta(days=10)).isoformat()
    command = ["survey", "send", "--template", "staff-pulse", "--closes", closes]
    sent = runner.invoke(cli, [*command, "--as", "quinn.hale@northshire.example", "--team", "Riverside Locality Team"])
    assert sent.exit_code == 0, sent.output
    assert "sent to 3 people" in sent.output

    async def queued(services: Services) -> tuple[list[str], set[str]]:
        async with services.sessions() as session:
            invitations = list(await session.scalars(select(Delivery).where(Delivery.purpose == "survey")))
            progress = list(await session.scalars(select(Delivery).where(Delivery.purpose == "broadcast-progress")))
        # The sender's progress card is queued first; its run releases the invitations.
        [card] = progress
        return [row.status for row in invitations], await services.delivery.queue.missing([work_for(card).workflow_id])

    statuses, missing = with_services(queued)
    assert statuses == ["queued"] * 3 and missing == set()
