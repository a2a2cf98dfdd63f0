"""Fixtures shared by every tier: real databases on both engines, services, the app."""

from __future__ import annotations

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

BACKENDS = ["sqlite", "postgresql"]


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
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, _env_file=None)


@pytest.fixture
def services(settings: Settings, engine: AsyncEngine, clock: FrozenClock) -> Services:
    return build_services(settings, engine, clock=clock)
