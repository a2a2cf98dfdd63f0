"""The yardstick: a bare Microsoft 365 Agents SDK echo bot, the SDK's own sample in miniature.

    python -m bench.inbound.echo_bot PORT

It answers a message by echoing its text (or the verb of an Action.Submit) through the Bot
Connector, and an Action.Execute invoke with a small card naming the verb, in the invoke's
HTTP response. No database, no qop code: what is left is the SDK and aiohttp, on the same
Python, so qop's figures divided by these show what qop adds. Local, unauthenticated, like
qop's local mode; the only outbound calls are replies to the activity's serviceUrl (the fake
Bot Connector on 127.0.0.1).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from aiohttp import web
from microsoft_agents.activity import AdaptiveCardInvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentApplication,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    Connections,
    MemoryStorage,
    TurnContext,
    TurnState,
)


class AnonymousConnections(Connections):
    """Every outbound call gets the SDK's anonymous token provider with a fixed token: the
    fake Bot Connector does not check it, as a local emulator would not."""

    def __init__(self) -> None:
        self._provider = _FixedTokenProvider()
        self._configuration = AgentAuthConfiguration(ANONYMOUS_ALLOWED=True)

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider(self, claims_identity: Any, service_url: str) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider_from_activity(self, claims_identity: Any, activity: Any) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._configuration


class _FixedTokenProvider(AnonymousTokenProvider):
    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return "echo-bench"


def create_app() -> web.Application:
    connections = AnonymousConnections()
    adapter = CloudAdapter(connection_manager=connections)
    agent = AgentApplication[TurnState](storage=MemoryStorage(), connection_manager=connections)

    @agent.adaptive_card.action_execute(re.compile(".*"))
    async def on_execute(context: TurnContext, _state: TurnState, data: Any) -> Any:
        verb = context.activity.value.get("action", {}).get("verb", "")
        card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": f"echo: {verb}"}]}
        return AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft.card.adaptive", value=card)

    @agent.activity("message")
    async def on_message(context: TurnContext, _state: TurnState) -> None:
        value = context.activity.value
        said = context.activity.text or (value.get("verb", "") if isinstance(value, dict) else "")
        await context.send_activity(f"echo: {said}")

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, agent) or web.Response(status=202)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", lambda _request: web.Response(text="ready"))
    return app


if __name__ == "__main__":
    # As qop's local mode does: the SDK warns on every turn that there is no app id.
    logging.getLogger("microsoft_agents.hosting.core.connector.client.user_token_client").setLevel(logging.ERROR)
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None)
