"""The real delivery service, running, wired to the fake Bot Connector: for any test whose
feature sends, updates or deletes messages (audits, reminders, digests, surveys...).

Use the ``delivery`` fixture (defined in ``tests/conftest.py``) in service-level tests::

    async def test_reminder_goes_to_the_owner(delivery, services):
        owner = await delivery.person_with_chat(1)           # a Person with an installed 1:1 chat
        receipt = await services.delivery.send_card_to_person(owner, card, purpose="reminder")
        receipt = await delivery.settled(receipt)            # polls, bounded; never sleeps blindly
        assert receipt.status == "sent"
        [message] = delivery.connector.in_conversation(delivery.chat_id(1))

``delivery.connector`` is the fake (``fail``/``slow`` to inject faults; ``messages``;
``duplicates``). Scenario tests through the whole app need nothing extra: the app built by
the ``harness`` fixture runs the delivery engine itself (do not combine the two fixtures:
DBOS is one per process). Each test gets its own DBOS system database (see ``settings``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.connections import LocalConnections
from bot.connector_sessions import ConnectorSessions
from bot.gateway import ConnectorGateway
from services.container import Services
from services.delivery import BroadcastProgress, DeliveryReceipt
from services.delivery.config import DeliveryConfig
from services.delivery.engine import DeliveryEngine
from storage.db import transaction
from storage.models import Conversation, Person
from tests.support import activities
from tests.support.fake_connector import FakeConnector

T = TypeVar("T")
SETTLE_TIMEOUT = 60.0


async def eventually(check: Callable[[], Awaitable[T | None]], *, within: float = SETTLE_TIMEOUT, what: str = "") -> T:
    """Poll ``check`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what or check}")
        await asyncio.sleep(0.05)


@dataclass
class DeliveryHarness:
    services: Services
    connector: FakeConnector

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.services.sessions

    @staticmethod
    def chat_id(number: int) -> str:
        return f"a:personal-{number}"

    async def person_with_chat(self, number: int, *, installed: bool = True) -> int:
        """A person qop has met in their 1:1 chat (Teams user 29:user-N); returns the person id."""
        async with transaction(self.sessions) as session:
            person = Person(display_name=f"Test User {number}", teams_user_id=f"29:user-{number}")
            session.add(person)
            await session.flush()
            session.add(self._conversation(self.chat_id(number), "personal", person.id, installed))
            return person.id

    async def person_without_chat(self, number: int) -> int:
        """A person known to Teams (and qop installed for them) but with no chat stored yet."""
        async with transaction(self.sessions) as session:
            person = Person(display_name=f"Test User {number}", teams_user_id=f"29:user-{number}")
            session.add(person)
            await session.flush()
            return person.id

    async def channel(self, name: str = "General") -> str:
        """A channel qop is installed in; returns its Teams conversation id."""
        conversation_id = activities.channel(name)["id"]
        async with transaction(self.sessions) as session:
            session.add(self._conversation(conversation_id, "channel", None, True))
        return conversation_id

    def _conversation(self, conversation_id: str, kind: str, person_id: int | None, installed: bool) -> Conversation:
        reference = {
            "conversation": {"id": conversation_id, "conversationType": kind, "tenantId": activities.TENANT_ID},
            "bot": {"id": activities.BOT_ID},
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
        }
        return Conversation(
            conversation_id=conversation_id,
            kind=kind,
            tenant_id=activities.TENANT_ID,
            service_url=self.connector.service_url,
            bot_id=activities.BOT_ID,
            person_id=person_id,
            reference=reference,
            installed=installed,
        )

    async def settled(self, receipt: DeliveryReceipt | int, *, within: float = SETTLE_TIMEOUT) -> DeliveryReceipt:
        """The delivery once it is no longer queued."""
        delivery_id = receipt if isinstance(receipt, int) else receipt.delivery_id

        async def check() -> DeliveryReceipt | None:
            current = await self.services.delivery.get(delivery_id)
            return current if current.settled else None

        return await eventually(check, within=within, what=f"delivery {delivery_id} to settle")

    async def broadcast_settled(self, broadcast_id: int, *, within: float = SETTLE_TIMEOUT) -> BroadcastProgress:
        async def check() -> BroadcastProgress | None:
            progress = await self.services.delivery.progress(broadcast_id)
            return progress if progress.settled and progress.status != "running" else None

        return await eventually(check, within=within, what=f"broadcast {broadcast_id} to finish")


@asynccontextmanager
async def running_delivery(
    services: Services, connector: FakeConnector, *, config: DeliveryConfig | None = None
) -> AsyncIterator[DeliveryHarness]:
    """Launch the delivery engine (DBOS) for ``services`` against the fake connector, with the
    services' own delivery settings or ``config``."""
    config = config or services.delivery.config
    sessions = ConnectorSessions(timeout_seconds=config.request_timeout_seconds)
    gateway = ConnectorGateway(LocalConnections(), sessions)
    services.delivery.attach_gateway(gateway)
    engine = DeliveryEngine(config)
    await engine.launch(services.delivery, services.delivery.queue)
    try:
        yield DeliveryHarness(services, connector)
    finally:
        await asyncio.to_thread(engine.shutdown)
        await sessions.close()
        services.delivery.queue.close()
        services.delivery.attach_gateway(None)
