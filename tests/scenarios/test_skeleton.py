"""The walking skeleton through the whole app: install, welcome, help, remember, uninstall."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import Conversation, Person
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a


def _texts(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_install_in_personal_chat_sends_the_welcome_card_and_remembers_the_chat(
    harness: BotHarness, sessions
) -> None:  # type: ignore[no-untyped-def]
    await harness.send(a.installation(harness.service_url))

    [welcome] = harness.connector.in_conversation("a:personal-1")
    assert "Welcome to qop" in _texts(welcome.cards[0])
    async with sessions() as session:
        conversation = await session.scalar(select(Conversation))
        person = await session.scalar(select(Person))
    assert conversation.conversation_id == "a:personal-1"
    assert conversation.kind == "personal" and conversation.installed
    assert conversation.person_id == person.id
    assert person.teams_user_id == "29:user-1" and person.aad_object_id == "00000000-0000-4000-8000-000000000001"


async def test_help_and_unknown_text_both_get_the_help_card(harness: BotHarness) -> None:
    await harness.send(a.message(harness.service_url, "help"))
    await harness.send(a.message(harness.service_url, "what is the weather"))

    help_card, unknown_card = (m.cards[0] for m in harness.connector.messages)
    assert "What I can do" in _texts(help_card)
    assert "didn't understand" not in _texts(help_card)
    assert "didn't understand \u201cwhat is the weather\u201d" in _texts(unknown_card)


async def test_help_in_a_channel_needs_the_mention_and_answers_in_the_channel(harness: BotHarness) -> None:
    general = a.channel()
    await harness.send(a.installation(harness.service_url, conversation=general))
    await harness.send(a.message(harness.service_url, "help", conversation=general))

    welcome, help_card = (m.cards[0] for m in harness.connector.in_conversation(general["id"]))
    assert "qop has joined this team" in _texts(welcome)
    assert "In this channel (General) I will post:" in _texts(welcome)
    assert "What I can do" in _texts(help_card)


def _help_lines(card: dict) -> list[str]:
    facts = next(element for element in card["body"] if element["type"] == "FactSet")["facts"]
    return [fact["title"] for fact in facts]


async def test_the_help_card_lists_the_commands_of_where_it_was_asked_most_needed_first(
    harness: BotHarness,
) -> None:
    general = a.channel()
    await harness.send(a.message(harness.service_url, "help"))
    await harness.send(a.message(harness.service_url, "my tasks", conversation=general))

    personal_help, channel_help = (m.cards[0] for m in harness.connector.messages)
    assert _help_lines(personal_help)[:2] == ["my tasks", "my actions"]
    assert "admin roles" in _help_lines(personal_help)
    assert "didn't understand \u201cmy tasks\u201d" in _texts(channel_help)
    assert sorted(_help_lines(channel_help)) == ["digest", "help", "link", "qim pack", "record mapping", "whoami"]


async def test_uninstall_marks_the_conversation_and_survives_reinstall(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    await harness.send(a.installation(harness.service_url))
    await harness.send(a.installation(harness.service_url, action="remove"))
    async with sessions() as session:
        conversation = await session.scalar(select(Conversation))
    assert not conversation.installed and conversation.uninstalled_at is not None

    await harness.send(a.installation(harness.service_url))
    async with sessions() as session:
        conversation = await session.scalar(select(Conversation))
    assert conversation.installed and conversation.uninstalled_at is None


async def test_bad_bodies_get_a_4xx_with_a_reason_and_store_nothing(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    client = harness.client
    cases = [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"type": "message"}', 400, "conversation.id"),
        (b'{"type": "message", "conversation": {"id": "x"}, "timestamp": "not a date"}', 400, "malformed"),
        (b'{"type": "message", "conversation": {"id": "x"}, "text": "' + b"a" * 300_000 + b'"}', 413, "larger than"),
    ]
    for body, status, reason in cases:
        response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
        assert response.status == status, body[:60]
        assert reason in (await response.json())["error"]
    async with sessions() as session:
        assert (await session.scalar(select(Person))) is None


async def test_unknown_activity_types_are_acknowledged_and_ignored(harness: BotHarness) -> None:
    activity = a.message(harness.service_url, "x")
    activity["type"] = "somethingNew"
    response = await harness.post(activity)
    assert response.status in (200, 202)
    assert harness.connector.messages == []


async def test_health_and_readiness(harness: BotHarness) -> None:
    assert (await harness.client.get("/healthz")).status == 200
    ready = await harness.client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["database"] == "ok"


async def test_a_post_in_a_channel_thread_is_remembered_as_the_channel_itself(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    general = a.channel()
    thread = {**general, "id": "19:team-1@thread.tacv2;messageid=1795639892886"}
    await harness.send(a.installation(harness.service_url, conversation=general))
    await harness.send(a.message(harness.service_url, "help", conversation=thread))

    [help_reply] = harness.connector.in_conversation(thread["id"])
    assert "What I can do" in _texts(help_reply.cards[0])
    async with sessions() as session:
        [conversation] = (await session.scalars(select(Conversation))).all()
    assert conversation.conversation_id == "19:team-1@thread.tacv2"
    assert conversation.reference["conversation"]["id"] == "19:team-1@thread.tacv2"
