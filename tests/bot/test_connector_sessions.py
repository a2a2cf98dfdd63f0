"""The kept Bot Connector sessions and the client factory that hands them to turns: no network."""

from __future__ import annotations

from types import SimpleNamespace

from microsoft_agents.activity import Activity, ChannelAccount, RoleTypes
from microsoft_agents.hosting.core import ClaimsIdentity

from bot.connections import LocalConnections
from bot.connector_sessions import ConnectorSessions, KeptSessionClientFactory, KeptTeamsConnectorClient

SERVICE_URL = "https://smba.trafficmanager.net/uk/"
AUDIENCE = "https://api.botframework.com"


def _context(role: str | None = None) -> SimpleNamespace:
    activity = Activity(type="message", recipient=ChannelAccount(id="28:bot", role=role), service_url=SERVICE_URL)
    return SimpleNamespace(activity=activity)


def _identity() -> ClaimsIdentity:
    return ClaimsIdentity({"aud": "app-id"}, authentication_type="Bearer")


async def test_one_session_per_url_and_kind_of_credential() -> None:
    sessions = ConnectorSessions(timeout_seconds=5)
    try:
        with_token = sessions.session(SERVICE_URL, authenticated=True)
        assert sessions.session(SERVICE_URL.rstrip("/"), authenticated=True) is with_token
        assert sessions.session(SERVICE_URL, authenticated=False) is not with_token
        assert sessions.session("https://smba.trafficmanager.net/emea/", authenticated=True) is not with_token
        assert with_token.timeout.total == 5
    finally:
        await sessions.close()
    assert with_token.closed
    assert sessions.open_sessions() == []


async def test_a_teams_turn_gets_a_client_on_the_kept_session_that_outlives_the_turn() -> None:
    sessions = ConnectorSessions(timeout_seconds=5)
    factory = KeptSessionClientFactory(LocalConnections(), sessions)
    try:
        first = await factory.create_connector_client(_context(), _identity(), SERVICE_URL, AUDIENCE, ["scope"])
        await first.close()  # what the SDK does when the turn ends
        second = await factory.create_connector_client(_context(), _identity(), SERVICE_URL, AUDIENCE, ["scope"])

        assert isinstance(first, KeptTeamsConnectorClient)
        assert first.client is second.client
        assert not first.client.closed
        assert first.client.headers["Authorization"] == "Bearer local-no-auth-mode"
        anonymous = await factory.create_connector_client(
            _context(), _identity(), SERVICE_URL, AUDIENCE, ["scope"], use_anonymous=True
        )
        assert "Authorization" not in anonymous.client.headers
    finally:
        await sessions.close()


async def test_agentic_and_copilot_studio_requests_take_the_sdks_own_clients() -> None:
    sessions = ConnectorSessions(timeout_seconds=5)
    factory = KeptSessionClientFactory(LocalConnections(), sessions)
    try:
        client = await factory.create_connector_client(
            _context(RoleTypes.connector_user), _identity(), SERVICE_URL, AUDIENCE, ["scope"]
        )
        assert not isinstance(client, KeptTeamsConnectorClient)
        await client.close()
        assert sessions.open_sessions() == []
    finally:
        await sessions.close()
