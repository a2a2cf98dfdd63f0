"""Scenario tests: realistic Teams activities through the whole app, with a fake Bot
Connector recording what the bot sent back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse, web
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

    async def press(self, sender: dict[str, Any], verb: str, data: dict[str, Any], chat: int) -> dict[str, Any]:
        """Press a card button (Action.Execute) in ``sender``'s chat ``a:personal-<chat>``; the card answered."""
        from tests.support import activities

        activity = activities.card_action(
            self.service_url, verb, data, sender=sender, conversation=activities.personal_chat(chat)
        )
        body = await self.send(activity)
        assert body["statusCode"] == 200
        return body["value"]


@asynccontextmanager
async def serving(app: web.Application, connector: FakeConnector) -> AsyncIterator[BotHarness]:
    """``app`` on a loopback test server, driven as a BotHarness, closed on the way out."""
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield BotHarness(client, connector)


@pytest.fixture
async def harness(
    settings: Settings, connector: FakeConnector, clock: FrozenClock, engine
) -> AsyncIterator[BotHarness]:  # type: ignore[no-untyped-def]
    async with serving(create_app(settings, clock=clock), connector) as harness:
        yield harness


@pytest.fixture
async def harness_factory(
    settings: Settings, connector: FakeConnector, clock: FrozenClock, engine
) -> AsyncIterator[Callable[..., Awaitable[BotHarness]]]:  # type: ignore[no-untyped-def]
    """Build a harness whose settings differ from the defaults (``harness_factory(key=value)``)."""
    async with AsyncExitStack() as servers:

        async def build(**overrides: Any) -> BotHarness:
            app = create_app(settings.model_copy(update=overrides), clock=clock)
            return await servers.enter_async_context(serving(app, connector))

        yield build
