"""Fixtures of the e2e modules that run inside the network namespace: the live bot on a
fresh SQLite file (or, where a module asks, a scratch PostgreSQL database reached through the
server's Unix socket, since 127.0.0.1:5432 is outside the namespace) and the Teams playground."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qop.playground import RunningPlayground, start_playground
from qop.settings import Settings
from services.clock import Clock
from storage import migrate
from tests.e2e.live import LiveBot
from tests.support.databases import scratch_postgres_database
from tests.support.env import PROJECT_ROOT, node_path, require

PLAYGROUND_PACKAGE = PROJECT_ROOT / "node_modules" / "@microsoft" / "m365agentsplayground"


def require_playground() -> None:
    require(node_path() is not None and PLAYGROUND_PACKAGE.exists(), "Node.js + the Teams playground (npm ci)")


@pytest.fixture
def bot_clock() -> Clock | None:
    """The bot's clock: the system clock (None) unless a module needs a date of its own."""
    return None


BACKENDS = ("sqlite", "postgresql")
"""A module whose records must come out the same on both runs its whole test once on each, with
``@pytest.fixture(params=BACKENDS)`` on a ``bot_database`` fixture that yields from :func:`database_on`."""


def sqlite_file(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'qop.db'}"


@contextmanager
def database_on(backend: str, folder: Path) -> Iterator[str]:
    """A fresh database for the bot on ``backend``: an SQLite file in ``folder``, or a scratch
    PostgreSQL database reached through the server's Unix socket (dropped afterwards)."""
    if backend == "sqlite":
        yield sqlite_file(folder)
        return
    with scratch_postgres_database("qop_e2e", via_socket=True) as url:
        yield url


@pytest.fixture
def bot_database(tmp_path: Path) -> str:
    """The bot's database: a fresh SQLite file, unless a module asks for another backend."""
    return sqlite_file(tmp_path)


@pytest.fixture
async def bot(bot_database: str, bot_clock: Clock | None) -> AsyncIterator[LiveBot]:
    url = bot_database
    await asyncio.to_thread(migrate.upgrade, url)
    # The tests send reminders and digests by calling them; no wall-clock schedule in between.
    live = LiveBot(
        Settings(database_url=url, _env_file=None, reminder_interval_seconds=0, digest_check_seconds=0),
        clock=bot_clock,
    )
    await live.start()
    try:
        yield live
    finally:
        await live.stop()


@pytest.fixture
async def playground(bot: LiveBot) -> AsyncIterator[RunningPlayground]:
    require_playground()
    running = await start_playground(bot.endpoint, 0)
    try:
        yield running
    finally:
        await running.stop()
