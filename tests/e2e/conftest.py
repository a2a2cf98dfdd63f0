"""Fixtures of the e2e modules that run inside the network namespace: the live bot on a
fresh SQLite file (PostgreSQL is outside the namespace) and the Teams playground."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from qop.playground import RunningPlayground, start_playground
from qop.settings import Settings
from storage import migrate
from tests.e2e.live import LiveBot
from tests.support.env import PROJECT_ROOT, node_path, require

PLAYGROUND_PACKAGE = PROJECT_ROOT / "node_modules" / "@microsoft" / "m365agentsplayground"


def require_playground() -> None:
    require(node_path() is not None and PLAYGROUND_PACKAGE.exists(), "Node.js + the Teams playground (npm ci)")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LiveBot]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'qop.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    # The tests send reminders and digests by calling them; no wall-clock schedule in between.
    live = LiveBot(Settings(database_url=url, _env_file=None, reminder_interval_seconds=0, digest_check_seconds=0))
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
