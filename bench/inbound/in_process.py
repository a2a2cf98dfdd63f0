"""qop on the demo inside this process, for the benches that look at one turn from within."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bench.inbound import database
from bench.inbound.processes import load_demo, qop_instance
from bench.inbound.workloads import DEMO_AUDIT_CASE
from qop.app import create_app
from qop.cli import configure_logging
from qop.settings import Settings
from tests.support.fake_connector import FakeConnector


@dataclass
class DemoApp:
    client: TestClient
    """Posts to qop's ``create_app`` on a loopback test server."""
    connector: FakeConnector
    """Where qop's replies go (limits off)."""
    assignment_id: int
    """The demo audit the Save draft workloads save."""


@asynccontextmanager
async def demo_app(database_kind: str, executor_id: str) -> AsyncIterator[DemoApp]:
    """A scratch database (``sqlite`` or ``postgresql``) migrated with the demo loaded as ``make
    run`` does, and qop on it in local no-auth mode with its schedules off; dropped afterwards."""
    fake = FakeConnector(enforce_limits=False)
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix=f"qop-{executor_id}-"))
    try:
        with database.scratch_database(database_kind, folder) as url:
            await asyncio.to_thread(load_demo, qop_instance(url, folder))
            assignment_id = await database.demo_assignment_id(url, DEMO_AUDIT_CASE)
            settings = Settings(
                database_url=url,
                _env_file=None,
                microsoft_app_id="",
                reminder_interval_seconds=0,
                digest_check_seconds=0,
                executor_id=executor_id,
                log_level="WARNING",
            )
            configure_logging(settings)  # as ``qop serve`` does (local mode: no per-turn app id warning)
            async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
                yield DemoApp(client, fake, assignment_id)
    finally:
        await fake.close()
