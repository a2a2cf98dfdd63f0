"""A staff survey sent by the QA lead, answered by several people in Teams: anonymity, one
response each, reminders only to non-responders, and small groups hidden."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from cards import verbs
from storage.models import FeedbackResponse, Person, SurveyAnswerMark, SurveyRecipient, Team
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import make_org
from tests.support.cards import button_data
from tests.support.delivery import eventually
from tests.support.surveys import PULSE

QA_LEAD, PRACTITIONER, MANAGER, COLLEAGUE = 6, 1, 2, 3
EXTRA_RIVERSIDE = (10, 11, 12, 13)


def _text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def _card(body: dict[str, Any]) -> dict[str, Any]:
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


async def _organisation(sessions: Any) -> dict[str, int]:
    await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        teams = {t.name: t.id for t in await session.scalars(select(Team))}
        for number in EXTRA_RIVERSIDE:
            session.add(
                Person(
                    display_name=f"Riverside Worker {number}",
                    email=f"worker{number}@council.example.gov.uk",
                    in_organisation=True,
                    team_id=teams["Riverside Locality Team"],
                    teams_user_id=f"29:user-{number}",
                )
            )
    return teams


async def _act(harness: BotHarness, user: int, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    activity = a.card_action(
        harness.service_url, verb, {"verb": verb, **data}, sender=a.user(user), conversation=a.personal_chat(user)
    )
    return _card(await harness.send(activity))


async def _say(harness: BotHarness, user: int, text: str) -> dict[str, Any]:
    """The bot's reply to what ``user`` typed in their own chat (not a proactive message)."""
    activity = a.message(harness.service_url, text, sender=a.user(user), conversation=a.personal_chat(user))
    await harness.send(activity)
    [reply] = [m for m in harness.connector.messages if m.activity.get("replyToId") == activity["id"]]
    return reply.cards[0]


def _user_of(conversation_id: str) -> int:
    """Which test user a 1:1 chat belongs to (an installed chat or one qop created)."""
    match = re.search(r"(?:personal-|user-)(\d+)$", conversation_id)
    assert match, conversation_id
    return int(match.group(1))


async def _received(harness: BotHarness, phrase: str, count: int) -> set[int]:
    """Wait until ``count`` proactive cards containing ``phrase`` have been delivered; who got them."""

    async def delivered() -> list[Any] | None:
        found = [
            m
            for m in harness.connector.messages
            if m.method == "POST" and not m.activity.get("replyToId") and any(phrase in _text(c) for c in m.cards)
        ]
        return found if len(found) >= count else None

    messages = await eventually(delivered, what=f"{count} cards with {phrase!r}")
    assert len(messages) == count
    return {_user_of(m.conversation_id) for m in messages}


async def _send_pulse(harness: BotHarness, teams: dict[str, int]) -> int:
    send_card = await _say(harness, QA_LEAD, "send survey")
    assert "Send a survey" in _text(send_card)
    team_ids = f"{teams['Riverside Locality Team']},{teams['Hillside Children in Care Team']}"
    started = await _act(
        harness,
        QA_LEAD,
        verbs.SURVEY_SEND,
        {"template": "staff-pulse", "team_ids": team_ids, "closes_on": "2026-01-30"},
    )
    assert "Survey sent" in _text(started) and "9 people" in _text(started)
    survey_id = button_data(started, verbs.SURVEY_RESULTS)["survey_id"]
    return int(survey_id)


async def test_a_staff_survey_is_answered_anonymously_once_each_and_small_groups_stay_hidden(
    harness: BotHarness, sessions: Any
) -> None:
    teams = await _organisation(sessions)
    survey_id = await _send_pulse(harness, teams)
    invited = await _received(harness, "Anonymous: nobody, including your manager", 9)
    assert invited == {PRACTITIONER, MANAGER, COLLEAGUE, 4, 5, *EXTRA_RIVERSIDE}

    responders = (PRACTITIONER, COLLEAGUE, *EXTRA_RIVERSIDE, 4)  # six of seven in Riverside, one of two in Hillside
    for user in responders:
        thanks = await _act(harness, user, verbs.SURVEY_ANSWER, {"survey_id": survey_id, **PULSE})
        assert "Your answers are saved anonymously" in _text(thanks)
    twice = await _act(harness, PRACTITIONER, verbs.SURVEY_ANSWER, {"survey_id": survey_id, **PULSE})
    assert "already answered" in _text(twice)

    async with sessions() as session:
        responses = list(await session.scalars(select(FeedbackResponse)))
        marks = int(await session.scalar(select(func.count()).select_from(SurveyAnswerMark)))
    assert len(responses) == len(responders) == marks
    assert all(r.respondent_id is None for r in responses), "anonymous answers carry no person"
    assert {r.submitted_at.time().isoformat() for r in responses} == {"00:00:00"}, "only the day is kept"
    stored = json.dumps([r.answers for r in responses])
    assert "29:user" not in stored and "@council" not in stored

    results = await _say(harness, QA_LEAD, f"survey results S{survey_id}")
    text = _text(results)
    assert "7 of 9 answered" in text
    assert "6 of 7 answered" in text, "Riverside: six of its seven answered"
    assert "1 of 2 answered" in text and "Hidden until 5 people in this group have answered" in text
    assert "100% agree (6 of 6 with a view)" in text

    refused = await _say(harness, MANAGER, f"survey results S{survey_id}")
    assert "Only the person who sent this survey and the QA lead" in _text(refused)


async def test_reminders_go_only_to_people_who_have_not_answered(harness: BotHarness, sessions: Any) -> None:
    teams = await _organisation(sessions)
    survey_id = await _send_pulse(harness, teams)
    await _received(harness, "Anonymous: nobody, including your manager", 9)
    for user in (PRACTITIONER, COLLEAGUE, 10):
        await _act(harness, user, verbs.SURVEY_ANSWER, {"survey_id": survey_id, **PULSE})

    waiting = await _say(harness, 11, "my surveys")
    assert "Staff pulse survey" in _text(waiting)
    done = await _say(harness, PRACTITIONER, "my surveys")
    assert "Nothing waiting" in _text(done)

    reminded = await _act(harness, QA_LEAD, verbs.SURVEY_REMIND, {"survey_id": survey_id})
    assert "Reminded 6 people" in _text(reminded)
    async with sessions() as session:
        rows = list(await session.scalars(select(SurveyRecipient)))
        people = {p.id: p.teams_user_id for p in await session.scalars(select(Person))}
    reminded_users = {people[r.person_id] for r in rows if r.reminders_sent == 1}
    assert reminded_users == {f"29:user-{n}" for n in (MANAGER, 4, 5, 11, 12, 13)}
    got_reminder = await _received(harness, "Reminder: you haven't answered", 6)
    assert got_reminder == {MANAGER, 4, 5, 11, 12, 13}, "nobody who answered is reminded"


async def test_answers_that_need_another_look_keep_what_was_chosen(harness: BotHarness, sessions: Any) -> None:
    teams = await _organisation(sessions)
    survey_id = await _send_pulse(harness, teams)
    partial = {"survey_id": survey_id, "workload": "agree"}
    card = await _act(harness, PRACTITIONER, verbs.SURVEY_ANSWER, partial)
    assert "need another look" in _text(card) and '"value": "agree"' in _text(card)


async def test_a_closed_survey_takes_no_answers(harness: BotHarness, sessions: Any, clock: Any) -> None:
    teams = await _organisation(sessions)
    survey_id = await _send_pulse(harness, teams)
    clock.advance(timedelta(days=30))
    card = await _act(harness, PRACTITIONER, verbs.SURVEY_ANSWER, {"survey_id": survey_id, **PULSE})
    assert "This survey has closed" in _text(card)


async def test_only_the_qa_lead_and_managers_send_surveys(harness: BotHarness, sessions: Any) -> None:
    teams = await _organisation(sessions)
    refused = await _say(harness, PRACTITIONER, "send survey")
    assert "Only the QA lead and managers can send surveys" in _text(refused)
    other_team = await _act(
        harness,
        MANAGER,
        verbs.SURVEY_SEND,
        {
            "template": "staff-pulse",
            "team_ids": str(teams["Hillside Children in Care Team"]),
            "closes_on": "2026-01-30",
        },
    )
    assert "only to the teams you manage" in _text(other_team)
    own_team = await _act(
        harness,
        MANAGER,
        verbs.SURVEY_SEND,
        {"template": "staff-pulse", "team_ids": str(teams["Riverside Locality Team"]), "closes_on": "2026-01-30"},
    )
    assert "Survey sent" in _text(own_team) and "7 people" in _text(own_team)
