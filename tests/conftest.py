"""Fixtures shared by every tier: real databases on both engines, services, the app."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from qop.app import build_services
from qop.settings import Settings
from services.clock import FrozenClock
from services.container import Services
from storage.db import create_engine, create_session_factory
from tests.support.databases import empty_all_tables, migrated_database
from tests.support.delivery import DeliveryHarness, running_delivery
from tests.support.fake_connector import FakeConnector
from tests.support.outbox import RecordingOutbox

BACKENDS = ["sqlite", "postgresql"]

# pytest-xdist starts its workers with COLUMNS=80, and rich fixes a console's width from COLUMNS
# when the console is made (at import of the CLI modules), so the CLI tests' own COLUMNS would be
# ignored and their output wrapped at 80 in `make test` but not in a single-process run.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole run; tests empty it after themselves."""
    folder: Path = tmp_path_factory.mktemp(request.param)
    with migrated_database(request.param, folder) as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await empty_all_tables(engine)
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def clock() -> FrozenClock:
    # A Monday in winter (GMT); tests that need BST move it.
    return FrozenClock(datetime(2026, 1, 12, 9, 30, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Every test gets its own DBOS system database: an SQLite file, or a fresh schema in the
    # test's PostgreSQL database (so no queued work leaks from one test into the next).
    dbos = (
        {"dbos_system_database_url": f"sqlite:///{tmp_path / 'dbos.sqlite'}"}
        if database_url.startswith("sqlite")
        else {"dbos_system_schema": f"dbos_{uuid.uuid4().hex[:12]}"}
    )
    return Settings(
        database_url=database_url,
        _env_file=None,
        executor_id="qop-test",
        delivery_backoff_base_seconds=0.05,
        delivery_request_timeout_seconds=2.0,
        # Tests drive reminders and digests by calling them with a frozen clock; the wall-clock
        # schedules would fire at random moments of a test. tests/services/test_scheduling*.py
        # prove the schedules themselves.
        reminder_interval_seconds=0,
        digest_check_seconds=0,
        **dbos,
    )


@pytest.fixture
def services(settings: Settings, engine: AsyncEngine, clock: FrozenClock) -> Services:
    return build_services(settings, engine, clock=clock)


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
def recorded_services(settings: Settings, engine: AsyncEngine, clock: FrozenClock, outbox: RecordingOutbox) -> Services:
    """Services that send through the recording ``outbox`` instead of the delivery engine."""
    return build_services(settings, engine, clock=clock, outbox=outbox)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    """The fake Bot Connector. Its Teams rate limits are off here, so a scenario that answers
    many commands in a row is not throttled; tests of throttling set ``enforce_limits = True``."""
    fake = FakeConnector(enforce_limits=False)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def delivery(services: Services, connector: FakeConnector) -> AsyncIterator[DeliveryHarness]:
    """The real delivery service running (DBOS launched) against the fake connector: see
    ``tests/support/delivery.py``. Not together with the scenario ``harness`` (one DBOS per process)."""
    async with running_delivery(services, connector) as harness:
        yield harness
