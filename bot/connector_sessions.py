"""Kept HTTP sessions to the Bot Connector, shared by turn replies and proactive sends.

The SDK's own client factory (``RestChannelServiceClientFactory``) builds two aiohttp
sessions for every turn (a connector client and a user-token client) and closes them when
the turn ends, so every reply to a message opens a new TCP (in production, TLS) connection
to the Bot Connector and every turn pays for building and closing both sessions. Here one
session per service URL lives as long as the app: replies reuse its open connections.

Only the plain path is kept: a Teams activity answered with the bot's own token (or, in
local mode, none). Agentic requests and Copilot Studio's connector users go to the SDK's
factory unchanged.
"""

from __future__ import annotations

import contextlib

import aiohttp
from microsoft_agents.activity import RoleTypes
from microsoft_agents.hosting.core import (
    ClaimsIdentity,
    Connections,
    RestChannelServiceClientFactory,
    TurnContext,
)
from microsoft_agents.hosting.core.connector import ConnectorClientBase, UserTokenClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient


class ConnectorSessions:
    """One aiohttp session per Bot Connector URL and kind of credential, closed with the app.

    Sessions with and without a bearer token are kept apart, so a token set on one never
    rides on a request that was meant to go without."""

    def __init__(self, *, timeout_seconds: float) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._sessions: dict[tuple[str, bool], aiohttp.ClientSession] = {}

    def session(self, url: str, *, authenticated: bool) -> aiohttp.ClientSession:
        base = url if url.endswith("/") else url + "/"
        key = (base, authenticated)
        session = self._sessions.get(key)
        if session is None or session.closed:
            session = aiohttp.ClientSession(base_url=base, timeout=self._timeout)
            self._sessions[key] = session
        return session

    def open_sessions(self) -> list[aiohttp.ClientSession]:
        return [session for session in self._sessions.values() if not session.closed]

    async def close(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            with contextlib.suppress(Exception):
                await session.close()


class KeptTeamsConnectorClient(TeamsConnectorClient):
    """The SDK's Teams connector client on a kept session: the turn's end leaves it open."""

    async def close(self) -> None:
        return None


class KeptUserTokenClient(UserTokenClient):
    """The SDK's user-token client on a kept session: the turn's end leaves it open."""

    async def close(self) -> None:
        return None


class KeptSessionClientFactory(RestChannelServiceClientFactory):
    """The SDK's client factory, with the plain Teams path on ``ConnectorSessions``."""

    def __init__(self, connections: Connections, sessions: ConnectorSessions) -> None:
        super().__init__(connections)
        self._sessions = sessions

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        if not service_url or not audience or _needs_sdk_client(context):
            return await super().create_connector_client(
                context, claims_identity, service_url, audience, scopes, use_anonymous
            )
        provider = (
            self._ANONYMOUS_TOKEN_PROVIDER
            if use_anonymous
            else self._connection_manager.get_token_provider(claims_identity, service_url)
        )
        token = await provider.get_access_token(audience, scopes or claims_identity.get_token_scope())
        session = self._sessions.session(service_url, authenticated=len(token) > 1)
        return KeptTeamsConnectorClient(service_url, token, session=session)

    async def create_user_token_client(
        self,
        context: TurnContext,
        claims_identity: ClaimsIdentity,
        use_anonymous: bool = False,
    ) -> UserTokenClientBase:
        if _needs_sdk_client(context):
            return await super().create_user_token_client(context, claims_identity, use_anonymous)
        if use_anonymous:
            token = ""
        else:
            provider = self._connection_manager.get_token_provider(claims_identity, self._token_service_endpoint)
            token = await provider.get_access_token(self._token_service_audience, claims_identity.get_token_scope())
            if not token:
                return await super().create_user_token_client(context, claims_identity, use_anonymous)
        endpoint = self._token_service_endpoint
        return KeptUserTokenClient(
            endpoint,
            token,
            app_id=claims_identity.get_app_id(),
            session=self._sessions.session(endpoint, authenticated=len(token) > 1),
        )


def _needs_sdk_client(context: TurnContext | None) -> bool:
    """Agentic requests and Copilot Studio's connector users take the SDK's own clients."""
    if context is None:
        return False
    activity = context.activity
    recipient = activity.recipient
    return activity.is_agentic_request() or (recipient is not None and recipient.role == RoleTypes.connector_user)
