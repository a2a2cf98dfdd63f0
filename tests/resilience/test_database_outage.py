"""The database goes away and comes back, for a real ``qop serve`` process on PostgreSQL.

The machine's PostgreSQL is shared, so it is not stopped: the process reaches it through a
loopback proxy (``tests/support/tcp_proxy``) that the test cuts and restores. While it is cut:
/readyz says 503, an auditor's "Save" gets a card saying it could not be saved yet with the
typed answers still on it, and the process neither crashes nor spins. After: /readyz is 200
and a broadcast that was sending finishes, every recipient once. A second, shorter outage cuts
across firings of the digest schedule (every 2 s): each time that fell inside it runs once
after the restore, and a weekly digest that fell due meanwhile is posted once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.inbound.processes import cpu_seconds
from cards import text
from cards.verbs import AUDIT_SAVE
from qop.settings import Settings
from services.scheduling import FIRE_WORKFLOW, every, fire_times
from storage import migrate
from storage.db import transaction
from storage.models import DigestRun
from tests.services.test_delivery_processes import Fleet, due_digest, running_fleet
from tests.support import activities as a
from tests.support.databases import scratch_postgres_database
from tests.support.delivery import eventually
from tests.support.instances import AppInstance
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

RECIPIENTS = 120
OUTAGE_SECONDS = 12.0
CPU_SECONDS_WHILE_DOWN = 0.5 * OUTAGE_SECONDS
"""A process that waits spends a small share of one core; one that spins spends all of it."""
DIGEST_CHECK_SECONDS = 2
SCHEDULE_OUTAGE_SECONDS = 5.0
"""Long enough for two firings of the digest schedule to fall inside it."""
DIGEST_FIRING = "sched-qop.digests-"


@pytest.fixture
async def proxied_fleet(tmp_path: Path) -> AsyncIterator[tuple[Fleet, TcpProxy]]:
    """A scratch PostgreSQL database; the test's own services use it directly, the qop process
    (and its DBOS system database, the same database) through the proxy."""
    with scratch_postgres_database("qop_outage") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        proxy = TcpProxy("127.0.0.1", 5432)
        await proxy.start()
        settings = Settings(database_url=url, _env_file=None, dbos_system_schema="dbos")
        try:
            async with running_fleet(settings, tmp_path) as fleet:
                yield fleet, proxy
        finally:
            await proxy.close()


def _through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(port=proxy.port).render_as_string(hide_password=False)


async def _status(session: aiohttp.ClientSession, instance: AppInstance, path: str) -> int:
    try:
        async with session.get(f"http://127.0.0.1:{instance.port}{path}") as response:
            return response.status
    except aiohttp.ClientError:
        return 0


async def test_the_database_goes_away_and_comes_back(proxied_fleet: tuple[Fleet, TcpProxy]) -> None:
    fleet, proxy = proxied_fleet
    url = _through(proxy, fleet.settings.database_url)
    instance = await fleet.start("outage-1", DATABASE_URL=url, DBOS_SYSTEM_DATABASE_URL=url)
    assert instance.process is not None
    await _cut_and_restore(fleet, proxy, instance)


async def _cut_and_restore(fleet: Fleet, proxy: TcpProxy, instance: AppInstance) -> None:
    assert instance.process is not None
    fleet.slow_down(range(1, 4))
    await fleet.broadcast(RECIPIENTS)

    async with aiohttp.ClientSession() as session:
        await eventually(lambda: _delivered_at_least(fleet, 3), within=60, what="the broadcast sending")
        proxy.cut()
        before = cpu_seconds(instance.process.pid)
        assert before is not None, "no CPU time readable for the qop process"
        await eventually(
            lambda: _is(session, instance, "/readyz", 503), within=30, what="/readyz 503 while the database is away"
        )

        typed = {"assignment_id": 1, "verb": AUDIT_SAVE, "q1_rationale": "Seen weekly; plan reviewed with the family"}
        save = a.card_action(fleet.connector.service_url, AUDIT_SAVE, typed)
        async with session.post(f"http://127.0.0.1:{instance.port}/api/messages", json=save) as response:
            assert response.status == 200, await response.text()
            card = json.dumps(await response.json(), ensure_ascii=False)
        assert text.NOT_SAVED_TITLE in card and typed["q1_rationale"] in card
        assert text.ERROR_TITLE not in card

        await asyncio.sleep(OUTAGE_SECONDS)
        assert instance.process.poll() is None, instance.log_tail()
        assert await fleet.delivered_count() < RECIPIENTS, "the outage came too late to pause anything"
        after = cpu_seconds(instance.process.pid)
        assert after is not None, "no CPU time readable for the qop process"
        spent = after - before
        assert spent < CPU_SECONDS_WHILE_DOWN, f"{spent:.1f} CPU seconds while the database was away"

        proxy.restore()
        await eventually(lambda: _is(session, instance, "/readyz", 200), within=60, what="/readyz 200 again")
        await eventually(
            lambda: _delivered_at_least(fleet, RECIPIENTS), within=180, what="every recipient after the outage"
        )
    assert fleet.connector.duplicates == 0
    assert instance.process.poll() is None, instance.log_tail()


async def _is(session: aiohttp.ClientSession, instance: AppInstance, path: str, status: int) -> bool:
    return await _status(session, instance, path) == status


async def _delivered_at_least(fleet: Fleet, count: int) -> bool:
    return await fleet.delivered_count() >= count


async def test_the_schedules_resume_when_the_database_returns(proxied_fleet: tuple[Fleet, TcpProxy]) -> None:
    fleet, proxy = proxied_fleet
    url = _through(proxy, fleet.settings.database_url)
    checking = {"DIGEST_CHECK_SECONDS": str(DIGEST_CHECK_SECONDS)}
    instance = await fleet.start("outage-2", DATABASE_URL=url, DBOS_SYSTEM_DATABASE_URL=url, **checking)
    channel = await fleet.people.channel("Quality")
    await eventually(lambda: _digest_firings(fleet), within=60, what="the digest schedule firing")

    async with aiohttp.ClientSession() as session:
        proxy.cut()
        cut_at = datetime.now(UTC)
        await eventually(
            lambda: _is(session, instance, "/readyz", 503), within=30, what="/readyz 503 while the database is away"
        )
        await due_digest(fleet, channel)  # the test's services reach the database directly
        await asyncio.sleep(SCHEDULE_OUTAGE_SECONDS)
        assert not fleet.connector.in_conversation(channel), "the digest was posted while the database was away"
        proxy.restore()
        restored_at = datetime.now(UTC)
        await eventually(lambda: _is(session, instance, "/readyz", 200), within=60, what="/readyz 200 again")

    missed = {moment.isoformat() for moment in fire_times(every(DIGEST_CHECK_SECONDS), "UTC", cut_at, restored_at)}
    assert len(missed) >= 2
    await eventually(
        lambda: _digest_firings(fleet, at_least=missed), within=60, what="each firing missed during the outage"
    )
    await eventually(lambda: _posted(fleet, channel), within=60, what="the digest that fell due")
    fired = await _digest_firings(fleet)
    assert len(fired) == len(set(fired)), "no scheduled time ran twice"
    assert len(fleet.connector.in_conversation(channel)) == 1, "the digest due during the outage, posted once"
    async with transaction(fleet.services.sessions) as session:
        assert len((await session.scalars(select(DigestRun))).all()) == 1
    assert instance.process is not None and instance.process.poll() is None, instance.log_tail()


async def _digest_firings(fleet: Fleet, at_least: set[str] | None = None) -> list[str]:
    """The scheduled times (ISO) of the digest schedule's firings that ran; empty until they
    include ``at_least``."""
    runs = await asyncio.to_thread(fleet.workflows, name=FIRE_WORKFLOW, status="SUCCESS")
    times = [run.workflow_id.removeprefix(DIGEST_FIRING) for run in runs if run.workflow_id.startswith(DIGEST_FIRING)]
    return times if (at_least or set()) <= set(times) else []


async def _posted(fleet: Fleet, conversation_id: str) -> bool:
    return bool(fleet.connector.in_conversation(conversation_id))
