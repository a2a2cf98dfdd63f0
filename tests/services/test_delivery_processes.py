"""Real processes: a broadcast survives kill -9 of the instance sending it, two instances on
one PostgreSQL share the work without sending anything twice, the work of an instance
that never comes back is recovered with ``python -m qop delivery recover``, and two instances
fire each scheduled time once (one weekly digest per subscription)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dbos import DBOSClient
from sqlalchemy import select

from qop.app import build_services
from qop.settings import Settings
from services.container import Services
from services.delivery.engine import APPLICATION_NAME
from services.scheduling import FIRE_WORKFLOW
from storage import migrate
from storage.db import create_engine, transaction
from storage.models import Conversation, DigestRun, DigestScope, DigestSubscription
from tests.support.databases import scratch_postgres_database
from tests.support.delivery import DeliveryHarness, eventually
from tests.support.fake_connector import FakeConnector
from tests.support.instances import AppInstance

SURVEY = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Practice survey"}]}
RECIPIENTS = 150
SLOW_CHATS = range(1, 4)


@asynccontextmanager
async def running_fleet(settings: Settings, workdir: Path) -> AsyncIterator[Fleet]:
    connector = FakeConnector(tenant_limit=50)
    await connector.start()
    engine = create_engine(settings.database_url)
    fleet = Fleet(settings, build_services(settings, engine), connector, workdir)
    try:
        yield fleet
    finally:
        for instance in fleet.instances:
            instance.kill()
        fleet.services.delivery.queue.close()
        await engine.dispose()
        await connector.close()


@pytest.fixture
async def fleet(settings: Settings, engine, tmp_path: Path) -> AsyncIterator[Fleet]:  # type: ignore[no-untyped-def]
    """On each backend (``engine`` empties the tables afterwards)."""
    async with running_fleet(settings, tmp_path) as running:
        yield running


@pytest.fixture
async def postgres_fleet(tmp_path: Path) -> AsyncIterator[Fleet]:
    """Several instances are a PostgreSQL deployment: a scratch PostgreSQL database of its own."""
    with scratch_postgres_database("qop_fleet") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        settings = Settings(database_url=url, _env_file=None, dbos_system_schema="dbos")
        async with running_fleet(settings, tmp_path) as running:
            yield running


class Fleet:
    """The app's database and DBOS system database shared by real qop processes."""

    def __init__(self, settings: Settings, services: Services, connector: FakeConnector, workdir: Path) -> None:
        self.settings, self.services, self.connector, self.workdir = settings, services, connector, workdir
        self.people = DeliveryHarness(services, connector)
        self.instances: list[AppInstance] = []

    def env(self) -> dict[str, str]:
        settings = self.settings
        return {
            "DATABASE_URL": settings.database_url,
            "DBOS_SYSTEM_DATABASE_URL": settings.dbos_system_database_url,
            "DBOS_SYSTEM_SCHEMA": settings.dbos_system_schema,
        }

    async def start(self, executor_id: str, **env: str) -> AppInstance:
        instance = AppInstance(executor_id, {**self.env(), **env}, self.workdir)
        await instance.start()
        self.instances.append(instance)
        return instance

    async def broadcast(self, count: int) -> int:
        recipients = [await self.people.person_with_chat(n) for n in range(1, count + 1)]
        started = await self.services.delivery.start_broadcast(None, recipients, SURVEY, title="Survey")
        return started.broadcast_id

    async def delivered_count(self) -> int:
        return len({m.conversation_id for m in self.connector.posts})

    def slow_down(self, numbers: range) -> None:
        """These chats answer only after a few seconds (once): their sends stay in flight a while."""
        for number in numbers:
            self.connector.slow(DeliveryHarness.chat_id(number), 8.0, times=1)

    async def wait_in_flight(self, pending: int, *, delivered: int) -> None:
        async def both() -> bool:
            running = await asyncio.to_thread(self.workflows, status="PENDING")
            return len(running) >= pending and await self.delivered_count() >= delivered

        await eventually(both, within=120, what=f"{pending} sends in flight and {delivered} delivered")

    def workflows(self, **filters: object) -> list:  # type: ignore[type-arg]
        client = DBOSClient(
            system_database_url=self.settings.resolved_dbos_system_database_url,
            dbos_system_schema=self.settings.dbos_system_schema,
            application_name=APPLICATION_NAME,
        )
        try:
            return client.list_workflows(load_input=False, load_output=False, **filters)  # type: ignore[arg-type]
        finally:
            client.destroy()


async def test_kill_9_mid_broadcast_then_restart_loses_nothing(fleet: Fleet) -> None:
    instance = await fleet.start("qop-a")
    fleet.slow_down(SLOW_CHATS)  # sends certainly in flight when the kill comes
    broadcast_id = await fleet.broadcast(RECIPIENTS)
    await fleet.wait_in_flight(len(SLOW_CHATS), delivered=int(RECIPIENTS * 0.4))

    instance.kill()
    in_flight = len(await asyncio.to_thread(fleet.workflows, status="PENDING"))
    assert in_flight >= len(SLOW_CHATS)
    await instance.start()  # the same executor id: DBOS resumes what it had started

    done = await fleet.people.broadcast_settled(broadcast_id, within=120)
    assert done.sent == RECIPIENTS and done.failed == done.cancelled == 0
    assert await fleet.delivered_count() == RECIPIENTS  # lost: 0
    assert fleet.connector.duplicates <= in_flight  # only a POST in flight at the kill may repeat


async def test_two_instances_on_postgresql_share_a_broadcast_without_duplicates(postgres_fleet: Fleet) -> None:
    fleet = postgres_fleet
    await fleet.start("qop-a")
    await fleet.start("qop-b")
    broadcast_id = await fleet.broadcast(RECIPIENTS)

    done = await fleet.people.broadcast_settled(broadcast_id, within=120)

    assert done.sent == RECIPIENTS and await fleet.delivered_count() == RECIPIENTS
    assert fleet.connector.duplicates == 0
    ran = [w.executor_id for w in await asyncio.to_thread(fleet.workflows, status="SUCCESS")]
    assert ran.count("qop-a") > 0 and ran.count("qop-b") > 0, "both instances took part"


async def test_the_work_of_an_instance_that_never_returns_is_recovered_by_the_command(postgres_fleet: Fleet) -> None:
    fleet = postgres_fleet
    lost = await fleet.start("qop-lost")
    fleet.slow_down(SLOW_CHATS)
    broadcast_id = await fleet.broadcast(RECIPIENTS)
    await fleet.wait_in_flight(len(SLOW_CHATS), delivered=int(RECIPIENTS * 0.3))
    lost.kill()
    stranded = [w for w in await asyncio.to_thread(fleet.workflows, status="PENDING") if w.executor_id == "qop-lost"]
    assert len(stranded) >= len(SLOW_CHATS)

    await fleet.start("qop-b")
    recovered = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "qop", "delivery", "recover", "--executor-id", "qop-lost"],
        cwd=fleet.workdir,
        env={**fleet.instances[0].environment(), "QOP_EXECUTOR_ID": "qop-operator"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert recovered.returncode == 0, recovered.stderr
    assert f"Re-queued {len(stranded)} unfinished" in recovered.stdout

    done = await fleet.people.broadcast_settled(broadcast_id, within=120)
    assert done.sent == RECIPIENTS and await fleet.delivered_count() == RECIPIENTS
    assert fleet.connector.duplicates <= len(stranded)


async def test_two_instances_fire_each_scheduled_time_once_and_post_one_digest(postgres_fleet: Fleet) -> None:
    fleet = postgres_fleet
    channel = await fleet.people.channel("Quality")
    await due_digest(fleet, channel)
    every_second = {"DIGEST_CHECK_SECONDS": "1"}
    await fleet.start("qop-a", **every_second)
    await fleet.start("qop-b", **every_second)

    def fired() -> list:  # type: ignore[type-arg]
        return [w for w in fleet.workflows(name=FIRE_WORKFLOW) if w.workflow_id.startswith("sched-qop.digests-")]

    async def posted() -> int:
        return len(fleet.connector.in_conversation(channel))

    await eventually(posted, within=120, what="the digest that is due")
    runs = await eventually(lambda: _at_least(fired, 8), within=120, what="8 firings of the digest schedule")

    instants = [datetime.fromisoformat(run.workflow_id.removeprefix("sched-qop.digests-")) for run in runs]
    assert len(set(instants)) == len(runs), "no time fired twice"
    assert len(runs) == (max(instants) - min(instants)).total_seconds() + 1, "every second fired"
    assert await posted() == 1  # the one digest that was due, however many firings looked
    async with transaction(fleet.services.sessions) as session:
        assert len((await session.scalars(select(DigestRun))).all()) == 1


async def _at_least(fired, count: int) -> list | None:  # type: ignore[no-untyped-def, type-arg]
    runs = await asyncio.to_thread(fired)
    return runs if len(runs) >= count else None


async def due_digest(fleet: Fleet, channel: str) -> None:
    """A whole-service subscription of ``channel`` whose weekly time was two minutes ago (real time:
    the instances run on the system clock)."""
    due = datetime.now(UTC).astimezone(ZoneInfo(fleet.settings.timezone)) - timedelta(minutes=2)
    async with transaction(fleet.services.sessions) as session:
        conversation = await session.scalar(select(Conversation).where(Conversation.conversation_id == channel))
        assert conversation is not None
        session.add(
            DigestSubscription(
                conversation_id=conversation.id,
                scope=DigestScope.SERVICE.value,
                weekday=due.weekday(),
                send_at=f"{due:%H:%M}",
                created_at=datetime.now(UTC) - timedelta(days=1),
                updated_at=datetime.now(UTC),
            )
        )
