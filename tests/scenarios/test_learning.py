"""Compliments and complaints, and celebrated practice, through the whole app."""

from __future__ import annotations

import json

from sqlalchemy import select

from cards import verbs
from storage.models import ClientFeedbackEntry, RoleAssignment
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import make_org
from tests.support.cards import button_data

CLIENT_RELATIONS = a.user(5, name="Olivia Brown")
MANAGER = a.user(2, name="Maya Patel")
PRACTITIONER = a.user(1, name="Priya Shah")


def _text(card: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(card, ensure_ascii=False)


async def _command(harness: BotHarness, sender: dict, text: str, chat: int) -> dict:  # type: ignore[type-arg]
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=a.personal_chat(chat)))
    return harness.connector.in_conversation(f"a:personal-{chat}")[-1].cards[0]


async def _invoke(harness: BotHarness, sender: dict, verb: str, data: dict, chat: int) -> dict:  # type: ignore[type-arg]
    body = await harness.send(
        a.card_action(harness.service_url, verb, data, sender=sender, conversation=a.personal_chat(chat))
    )
    assert body["statusCode"] == 200
    return body["value"]


async def test_client_relations_log_a_complaint_and_a_manager_celebrates_practice(
    harness: BotHarness, sessions
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.outsider, role="client_relations"))

    form = await _command(harness, CLIENT_RELATIONS, "client feedback", chat=5)
    assert "Log a compliment or complaint" in _text(form) and "Riverside Locality Team" in _text(form)
    entered = {"kind": "complaint", "team": "Riverside Locality Team", "received_on": "2026-01-09"}
    missing = await _invoke(
        harness,
        CLIENT_RELATIONS,
        verbs.CLIENT_FEEDBACK_LOG,
        {**button_data(form, verbs.CLIENT_FEEDBACK_LOG), **entered},
        chat=5,
    )
    assert "Give one to eight themes" in _text(missing)
    logged = await _invoke(
        harness,
        CLIENT_RELATIONS,
        verbs.CLIENT_FEEDBACK_LOG,
        {**button_data(missing, verbs.CLIENT_FEEDBACK_LOG), **entered, "themes": "communication, timeliness"},
        chat=5,
    )
    assert "Complaint logged for Riverside Locality Team" in _text(logged)
    assert "communication: 0 compliment(s), 1 complaint(s)" in _text(logged)

    refused = await _command(harness, MANAGER, "client feedback", chat=2)
    assert "Log a compliment" in _text(refused), "the form shows; the service refuses on submit"
    denied = await _invoke(
        harness,
        MANAGER,
        verbs.CLIENT_FEEDBACK_LOG,
        {**entered, "themes": "x", "verb": verbs.CLIENT_FEEDBACK_LOG},
        chat=2,
    )
    assert "Only client relations can log compliments and complaints." in _text(denied)

    nomination = await _command(harness, MANAGER, "celebrate", chat=2)
    celebrated = await _invoke(
        harness,
        MANAGER,
        verbs.PRACTICE_NOMINATE,
        {
            **button_data(nomination, verbs.PRACTICE_NOMINATE),
            "team": "Riverside Locality Team",
            "source": "observation",
            "description": "A calm, clear explanation of the plan to a child, in words they chose.",
        },
        chat=2,
    )
    assert "Thank you: this example is now celebrated." in _text(celebrated)
    seen = await _command(harness, PRACTITIONER, "celebrated", chat=1)
    assert "in words they chose" in _text(seen) and "Riverside Locality Team, an observation" in _text(seen)

    async with sessions() as session:
        rows = list(await session.scalars(select(ClientFeedbackEntry)))
    assert [(r.kind, r.themes) for r in rows] == [("complaint", ["communication", "timeliness"])]
