"""Scenario tests: realistic Teams activities through the whole app, with a fake Bot
Connector recording what the bot sent back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from qop.app import create_app
from qop.settings import Settings
from services.clock import FrozenClock
from tests.support.fake_connector import FakeConnector


@dataclass
class BotHarness:
    client: TestClient
    connector: FakeConnector

    @property
    def service_url(self) -> str:
        return self.connector.service_url

    async def post(self, activity: dict[str, Any]) -> ClientResponse:
        return await self.client.post("/api/messages", json=activity)

    async def send(self, activity: dict[str, Any]) -> Any:
        """Post an activity that must be accepted; returns the invoke body if any."""
        response = await self.post(activity)
        assert response.status in (200, 202), await response.text()
        return await response.json() if response.content_type == "application/json" else None


@pytest.fixture
async def harness(
    settings: Settings, connector: FakeConnector, clock: FrozenClock, engine
) -> AsyncIterator[BotHarness]:  # type: ignore[no-untyped-def]
    app = create_app(settings, clock=clock)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield BotHarness(client, connector)
    finally:
        await client.close()


@pytest.fixture
async def harness_factory(
    settings: Settings, connector: FakeConnector, clock: FrozenClock, engine
) -> AsyncIterator[Callable[..., Awaitable[BotHarness]]]:  # type: ignore[no-untyped-def]
    """Build a harness whose settings differ from the defaults (``harness_factory(key=value)``)."""
    clients: list[TestClient] = []

    async def build(**overrides: Any) -> BotHarness:
        app = create_app(settings.model_copy(update=overrides), clock=clock)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return BotHarness(client, connector)

    try:
        yield build
    finally:
        for client in clients:
            await client.close()
