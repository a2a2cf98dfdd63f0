"""What an ordinary turn costs the database: a turn that tells qop nothing new writes nothing."""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from bot.http import BOT_KEY
from qop.app import ENGINE_KEY, create_app
from services.clock import FrozenClock
from storage.db import transaction
from storage.models import Conversation, Person
from tests.scenarios.conftest import BotHarness, serving
from tests.support import activities as a

SAM = a.user(1, name="Sam Carter", email="sam.carter@example.gov.uk")
WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def writes_of(harness: BotHarness) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements the app sends to its database meanwhile."""
    engine = harness.client.server.app[ENGINE_KEY].sync_engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(WRITES):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _sam_in_the_organisation(sessions) -> None:  # type: ignore[no-untyped-def]
    async with transaction(sessions) as session:
        session.add(
            Person(
                email="sam.carter@example.gov.uk",
                display_name="Sam Carter",
                aad_object_id=SAM["aadObjectId"],
                in_organisation=True,
            )
        )


async def test_a_second_help_from_the_same_user_writes_nothing(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    await _sam_in_the_organisation(sessions)
    with writes_of(harness) as first:
        await harness.send(a.message(harness.service_url, "help", sender=SAM))
    with writes_of(harness) as second:
        await harness.send(a.message(harness.service_url, "help", sender=SAM))

    assert first, "the first turn matches Sam and remembers the chat"
    assert second == []
    assert len(harness.connector.messages) == 2, "both turns were answered"


async def test_a_turn_writes_again_once_last_seen_is_an_hour_old(
    harness: BotHarness, sessions, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    await _sam_in_the_organisation(sessions)
    await harness.send(a.message(harness.service_url, "help", sender=SAM))
    clock.advance(timedelta(minutes=59))
    with writes_of(harness) as within_the_hour:
        await harness.send(a.message(harness.service_url, "help", sender=SAM))
    clock.advance(timedelta(minutes=1))
    await harness.send(a.message(harness.service_url, "help", sender=SAM))

    assert within_the_hour == []
    async with sessions() as session:
        sam = await session.scalar(select(Person).where(Person.teams_user_id == SAM["id"]))
    assert sam.last_seen_at == clock.now()


async def test_a_new_conversation_or_a_new_service_url_is_still_remembered(harness: BotHarness, sessions) -> None:  # type: ignore[no-untyped-def]
    await _sam_in_the_organisation(sessions)
    await harness.send(a.message(harness.service_url, "help", sender=SAM))
    general = a.channel()
    await harness.send(a.message(harness.service_url, "help", sender=SAM, conversation=general))
    moved = a.message(harness.service_url, "help", sender=SAM)
    moved["serviceUrl"] = harness.service_url + "moved/"
    await harness.send(moved)

    async with sessions() as session:
        stored = {c.conversation_id: c.service_url for c in await session.scalars(select(Conversation))}
    assert stored == {"a:personal-1": harness.service_url + "moved/", "19:team-1@thread.tacv2": harness.service_url}


async def test_someone_not_yet_in_the_organisation_is_matched_as_soon_as_they_are_imported(
    harness: BotHarness, sessions
) -> None:  # type: ignore[no-untyped-def]
    before_the_import = {"id": SAM["id"], "name": SAM["name"]}  # Teams told us no more yet
    await harness.send(a.message(harness.service_url, "help", sender=before_the_import))
    await _sam_in_the_organisation(sessions)
    await harness.send(a.message(harness.service_url, "help", sender=SAM))

    async with sessions() as session:
        [sam] = await session.scalars(select(Person))
    assert sam.in_organisation and sam.teams_user_id == SAM["id"]


async def test_a_turn_does_not_look_up_installed_packages(harness: BotHarness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The SDK's clients ask for their User-Agent on every turn; the answer is worked out once."""
    await harness.send(a.message(harness.service_url, "help"))
    looked_up: list[str] = []
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        looked_up.append(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    await harness.send(a.message(harness.service_url, "help"))
    await harness.send(a.card_action(harness.service_url, "no.such.verb", {}))

    assert len(harness.connector.messages) == 2, "both messages were answered through the connector"
    assert looked_up == []


async def test_turns_beyond_the_limit_wait_at_the_door(harness_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With one turn allowed in flight, a second waits until the first has answered."""
    harness = await harness_factory(max_turns_in_flight=1)
    connector = harness.connector
    replying = asyncio.Event()
    release = asyncio.Event()
    admit = connector._admit

    async def held(conversation_id: str, **options: bool):  # type: ignore[no-untyped-def]
        replying.set()
        await release.wait()
        return await admit(conversation_id, **options)

    monkeypatch.setattr(connector, "_admit", held)
    first = asyncio.create_task(harness.send(a.message(harness.service_url, "help")))
    await replying.wait()  # the first turn is sending its reply, holding the only slot
    replying.clear()
    second = asyncio.create_task(
        harness.send(a.message(harness.service_url, "help", conversation=a.personal_chat(2), sender=a.user(2)))
    )
    await asyncio.sleep(0.2)
    waited = not replying.is_set()
    release.set()
    await asyncio.gather(first, second)

    assert waited, "the second turn reached the connector while the first still held the slot"
    assert [m.conversation_id for m in connector.messages] == ["a:personal-1", "a:personal-2"]


async def test_replies_to_successive_turns_reuse_one_connection_to_the_bot_connector(harness: BotHarness) -> None:
    for _ in range(3):
        await harness.send(a.message(harness.service_url, "help", sender=SAM))

    addresses = {message.client_address for message in harness.connector.messages}
    assert len(harness.connector.messages) == 3
    assert None not in addresses
    assert len(addresses) == 1, f"each reply opened its own connection: {addresses}"


async def test_the_kept_connections_close_with_the_app(settings, connector, engine) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    async with serving(app, connector) as harness:
        await harness.send(a.message(harness.service_url, "help", sender=SAM))
        kept = app[BOT_KEY].connector_sessions.open_sessions()
        assert kept and not any(session.closed for session in kept)

    assert all(session.closed for session in kept)
    assert app[BOT_KEY].connector_sessions.open_sessions() == []
