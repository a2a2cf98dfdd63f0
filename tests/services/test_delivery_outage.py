"""A message Teams has accepted while the database is away is recorded when the database
returns, and never sent again (SQLite and PostgreSQL).

The database "goes away" through the session factory the delivery service is given: once cut,
its next sessions refuse to open with the ``OperationalError`` a refused connection raises. The
cut is made by the gateway the moment Teams has accepted a message, so the first thing to meet
the outage is the recording of that message's outcome.

A queue claim whose answer is lost (its commit reached the database, then the connection
dropped) leaves a send PENDING that nothing runs; the engine puts it back in its queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from dbos._sys_db import SystemDatabase
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.connections import LocalConnections
from bot.connector_sessions import ConnectorSessions
from bot.gateway import ConnectorGateway
from services.container import Services
from services.delivery import DeliveryService
from services.delivery.engine import DeliveryEngine
from services.delivery.gateway import Card, ConversationAddress, TeamsGateway
from services.delivery.outage import until_database_returns
from storage.repositories import deliveries as delivery_repo
from tests.support.delivery import DeliveryHarness, eventually, running_delivery
from tests.support.fake_connector import FakeConnector

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Audit AUD-7 is ready"}]}
REFUSALS = 3


class DatabaseThatGoesAway:
    """A session factory whose next ``times`` sessions refuse to open once ``cut``."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._refusals_left = 0
        self.refused = 0

    def cut(self, times: int) -> None:
        self._refusals_left = times

    def __call__(self) -> AsyncSession:
        if self._refusals_left:
            self._refusals_left -= 1
            self.refused += 1
            raise OperationalError("connect", None, ConnectionRefusedError("the database is away"))
        return self._sessions()


class CutsTheDatabaseAfterFirstPosts:
    """The real gateway, except that the database goes away as soon as Teams accepts the first
    message to each conversation (a second message there would be a duplicate: no cut, so a
    resend shows up as a second post rather than as a send that never settles)."""

    def __init__(self, inner: TeamsGateway, database: DatabaseThatGoesAway, times: int) -> None:
        self._inner = inner
        self._database = database
        self._times = times
        self._reached: set[str] = set()

    async def send_activity(self, address: ConversationAddress, *, card: Card | None, text: str | None) -> str:
        message_id = await self._inner.send_activity(address, card=card, text=text)
        if address.conversation_id not in self._reached:
            self._reached.add(address.conversation_id)
            self._database.cut(self._times)
        return message_id

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)


@asynccontextmanager
async def delivery_with_outages(
    services: Services, connector: FakeConnector, waits: list[float]
) -> AsyncIterator[tuple[DeliveryService, DatabaseThatGoesAway]]:
    """A delivery service on a database that goes away after each first POST, running (DBOS launched)."""
    database = DatabaseThatGoesAway(services.sessions)

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    config = services.delivery.config
    service = DeliveryService(
        sessions=database,  # type: ignore[arg-type]
        clock=services.clock,
        config=config,
        queue=services.delivery.queue,
        sleep=sleep,
    )
    sessions = ConnectorSessions(timeout_seconds=config.request_timeout_seconds)
    gateway = ConnectorGateway(LocalConnections(), sessions)
    service.attach_gateway(CutsTheDatabaseAfterFirstPosts(gateway, database, REFUSALS))  # type: ignore[arg-type]
    engine = DeliveryEngine(config)
    await engine.launch(service, service.queue)
    try:
        yield service, database
    finally:
        await asyncio.to_thread(engine.shutdown)
        await sessions.close()
        service.queue.close()


async def test_a_sent_message_is_recorded_when_the_database_returns_and_posted_once(
    services: Services, connector: FakeConnector
) -> None:
    harness = DeliveryHarness(services, connector)
    person = await harness.person_with_chat(1)
    waits: list[float] = []
    async with delivery_with_outages(services, connector, waits) as (service, database):
        receipt = await service.send_card_to_person(person, CARD, purpose="audit")
        receipt = await harness.settled(receipt)

    [message] = connector.posts
    assert receipt.status == "sent" and receipt.message_id == message.message_id and receipt.attempts == 1
    assert database.refused == REFUSALS
    assert waits == [1.0, 2.0, 4.0]  # the outcome waited for the database, doubling


async def test_a_broadcast_cut_after_every_post_reaches_each_recipient_once_and_finishes(
    services: Services, connector: FakeConnector
) -> None:
    harness = DeliveryHarness(services, connector)
    people = [await harness.person_with_chat(number) for number in range(1, 5)]
    async with delivery_with_outages(services, connector, []) as (service, _database):
        started = await service.start_broadcast(None, people, CARD, title="Audit week")
        progress = await harness.broadcast_settled(started.broadcast_id)

    assert progress.status == "finished" and progress.sent == len(people)
    assert sorted(m.conversation_id for m in connector.posts) == sorted(map(harness.chat_id, range(1, 5)))
    assert connector.duplicates == 0
    async with services.sessions() as session:
        sends = await delivery_repo.for_broadcast(session, started.broadcast_id)
    assert [send.status for send in sends] == ["sent"] * len(people) and all(send.message_id for send in sends)


async def test_a_database_step_that_never_answers_is_tried_again() -> None:
    """A send's outcome step whose connection never answers (a database host that vanished
    without closing it) is abandoned after its timeout and tried again. (Issue 17's send held in
    flight after an outage was a lost claim instead: see the tests below.)"""
    calls, waits = 0, []

    async def record_outcome() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.Event().wait()  # a connection that never answers
        return "recorded"

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    result = await until_database_returns(record_outcome, paused="held", sleep=no_sleep, attempt_timeout=0.05)
    assert (result, calls, waits) == ("recorded", 2, [1.0])


class LosesTheAnswerToTheFirstClaim:
    """DBOS's claim of queued work, except that the first claim that takes anything commits and
    then fails as a connection dropped before its answer would ("consuming input failed"): the
    claimed workflow is PENDING under this executor, and DBOS never starts it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = SystemDatabase.start_queued_workflows
        self.lost: list[str] = []

        def start_queued_workflows(sys_db: SystemDatabase, *args: Any, **kwargs: Any) -> Any:
            claimed, stop_reason = real(sys_db, *args, **kwargs)
            if claimed and not self.lost:
                self.lost = list(claimed)
                raise OperationalError("COMMIT", None, ConnectionResetError("consuming input failed"))
            return claimed, stop_reason

        monkeypatch.setattr(SystemDatabase, "start_queued_workflows", start_queued_workflows)


def delivery_checking_claims_every(
    services: Services, connector: FakeConnector, seconds: float
) -> AbstractAsyncContextManager[DeliveryHarness]:
    """The delivery engine running, looking for stranded claims every ``seconds``."""
    config = replace(services.delivery.config, stranded_claim_seconds=seconds)
    return running_delivery(services, connector, config=config)


async def test_a_send_whose_claim_lost_its_answer_is_put_back_and_frees_its_conversation(
    services: Services, connector: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: after an outage a broadcast never finished, one lane held by a send that was
    PENDING in DBOS but running nowhere. Here the claim of the first of two messages to one
    person loses its answer; both still arrive, once each and in order."""
    claims = LosesTheAnswerToTheFirstClaim(monkeypatch)
    harness = DeliveryHarness(services, connector)
    person = await harness.person_with_chat(1)
    async with delivery_checking_claims_every(services, connector, 0.5) as running:
        first = await services.delivery.send_card_to_person(person, CARD, purpose="audit")
        second = await services.delivery.send_text_to_person(person, "And the follow-up", purpose="audit")
        await eventually(lambda: _is_settled(running, second.delivery_id), within=30, what="the send queued behind")
        first = await running.settled(first)

    assert len(claims.lost) == 1, "the first claim took the first send and lost its answer"
    assert first.status == "sent"
    assert [m.text or "card" for m in connector.in_conversation(harness.chat_id(1))] == ["card", "And the follow-up"]
    assert connector.duplicates == 0


async def test_a_send_still_running_past_the_claim_age_is_left_alone(
    services: Services, connector: FakeConnector
) -> None:
    """The check runs while a send is slow in Teams (its claim older than the check's age): the
    send is running here, so it is not put back and is posted once."""
    harness = DeliveryHarness(services, connector)
    person = await harness.person_with_chat(1)
    connector.slow(harness.chat_id(1), 1.5, times=1)  # under the 2 s request timeout
    async with delivery_checking_claims_every(services, connector, 0.2) as running:
        receipt = await services.delivery.send_card_to_person(person, CARD, purpose="audit")
        receipt = await running.settled(receipt)

    assert receipt.status == "sent" and receipt.attempts == 1
    assert len(connector.posts) == 1 and connector.duplicates == 0


async def _is_settled(harness: DeliveryHarness, delivery_id: int) -> bool:
    return (await harness.services.delivery.get(delivery_id)).settled
