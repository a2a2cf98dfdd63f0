"""Outbound credentials: MSAL in production, a placeholder token in local (playground) mode."""

from __future__ import annotations

from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ClaimsIdentity,
    Connections,
)

from bot.config import BotConfig


class PlaceholderTokenProvider(AnonymousTokenProvider):
    """A fixed, non-empty token: proactive turns refuse an empty one ("Failed to obtain
    token for user token client"), and the playground never checks it."""

    def __init__(self, token: str = "local-no-auth-mode") -> None:  # noqa: S107 - not a secret
        self._token = token

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return self._token


class LocalConnections(Connections):
    """Hands out a placeholder token for every call.

    The SDK's own anonymous path fails proactive sends ("TENANT_ID is not set"); the
    playground does not check tokens, so a placeholder provider is all local mode needs.
    Tests of production mode hand in a provider standing in for Entra ID instead.
    """

    def __init__(self, provider: AccessTokenProviderBase | None = None) -> None:
        self._provider = provider or PlaceholderTokenProvider()
        self._configuration = AgentAuthConfiguration(ANONYMOUS_ALLOWED=True)

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider(self, claims_identity: ClaimsIdentity, service_url: str) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._configuration


def sdk_connection_settings(config: BotConfig) -> dict[str, str]:
    """The service connection as the SDK's configuration keys name it."""
    return {
        "AUTHTYPE": "ClientSecret" if config.app_password else "UserManagedIdentity",
        "CLIENTID": config.app_id,
        "CLIENTSECRET": config.app_password,
        "TENANTID": config.tenant_id,
        "ISSUERS": " ".join(config.token_issuers),
        "VALIDATE_ISSUER": "true",
    }


def build_connections(config: BotConfig) -> Connections:
    if config.local_mode:
        return LocalConnections()
    return MsalConnectionManager(
        connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration(**sdk_connection_settings(config))}
    )
