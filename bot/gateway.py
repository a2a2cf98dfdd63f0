"""The real ``TeamsGateway``: proactive sends through the Agents SDK's connector client.

The sessions are the bot's kept ones (``bot.connector_sessions``), one per Bot Connector
service URL for the life of the app: for thousands of proactive sends a kept session saves
a TCP/TLS handshake each. HTTP failures are mapped to the delivery
service's typed errors; nothing here retries (the SDK does not either: the delivery
service owns the retry policy).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationParameters,
)
from microsoft_agents.hosting.core import Connections
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from bot.connector_sessions import ConnectorSessions
from bot.turns import card_attachment
from services.delivery.gateway import (
    Blocked,
    Card,
    ConversationAddress,
    ConversationGone,
    GatewayError,
    Rejected,
    Throttled,
    TooLarge,
    Transient,
)

T = TypeVar("T")

BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPES = ["https://api.botframework.com/.default"]
RETRYABLE_STATUSES = {412, 500, 502, 503, 504}


class ConnectorGateway:
    """Talks to the Bot Connector named by each conversation's service URL."""

    def __init__(self, connections: Connections, sessions: ConnectorSessions) -> None:
        self._connections = connections
        self._sessions = sessions

    async def send_activity(self, address: ConversationAddress, *, card: Card | None, text: str | None) -> str:
        # Leave ``text`` unset for a card alone: the Teams playground rejects '"text": null' (400 BadArgument).
        activity = Activity(type=ActivityTypes.message, **({"text": text} if text is not None else {}))
        if card is not None:
            activity.attachments = [card_attachment(card)]
        client = await self._client(address.service_url)
        response = await _mapped(lambda: client.conversations.send_to_conversation(address.conversation_id, activity))
        if not response.id:
            raise Transient("Teams accepted the message but returned no message id")
        return response.id

    async def create_personal_conversation(
        self, *, service_url: str, tenant_id: str | None, bot_id: str, user_id: str
    ) -> ConversationAddress:
        parameters = ConversationParameters(
            is_group=False,
            agent=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}} if tenant_id else None,
        )
        client = await self._client(service_url)
        created = await _mapped(lambda: client.conversations.create_conversation(parameters))
        where = created.service_url or service_url
        reference = {
            "bot": {"id": bot_id},
            "user": {"id": user_id},
            "conversation": {"id": created.id, "conversationType": "personal", "tenantId": tenant_id},
            "channelId": "msteams",
            "serviceUrl": where,
        }
        return ConversationAddress(where, created.id, bot_id, tenant_id, reference)

    async def update_activity(self, address: ConversationAddress, message_id: str, *, card: Card) -> None:
        activity = Activity(type=ActivityTypes.message, id=message_id, attachments=[card_attachment(card)])
        client = await self._client(address.service_url)
        await _mapped(lambda: client.conversations.update_activity(address.conversation_id, message_id, activity))

    async def delete_activity(self, address: ConversationAddress, message_id: str) -> None:
        client = await self._client(address.service_url)
        await _mapped(lambda: client.conversations.delete_activity(address.conversation_id, message_id))

    async def _client(self, service_url: str) -> ConnectorClient:
        # MSAL caches and renews the token; the client sets the current one on the kept session.
        token = await self._connections.get_default_connection().get_access_token(
            BOT_FRAMEWORK_AUDIENCE, BOT_FRAMEWORK_SCOPES
        )
        session = self._sessions.session(service_url, authenticated=len(token) > 1)
        return ConnectorClient(service_url, token, session=session)


async def _mapped(call: Callable[[], Awaitable[T]]) -> T:
    """Run one connector call, turning HTTP and network failures into the typed errors."""
    try:
        return await call()
    except aiohttp.ClientResponseError as error:
        raise error_for_status(error.status, error.message, error.headers) from error
    except TimeoutError as error:
        raise Transient("Teams did not answer in time") from error
    except aiohttp.ClientError as error:
        raise Transient(f"Could not reach Teams ({type(error).__name__})") from error


def error_for_status(status: int, body: str | None, headers: object | None) -> GatewayError:
    """The typed error for an HTTP failure from the Bot Connector."""
    code = _error_code(body)
    if status == 429:
        return Throttled("Teams asked qop to slow down (429)", _retry_after(headers))
    if status in RETRYABLE_STATUSES:
        return Transient(f"Teams had a temporary problem ({status})")
    if status == 403 and "MessageWritesBlocked" in (body or ""):
        return Blocked("The person has blocked qop in Teams (403 MessageWritesBlocked)")
    if status == 404:
        return ConversationGone("The conversation no longer exists in Teams (404)")
    if status == 413:
        return TooLarge("The message is too large for Teams (413 MessageSizeTooBig); keep cards under 80 KB")
    return Rejected(f"Teams refused the message ({status}{' ' + code if code else ''})")


def _retry_after(headers: object | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None and hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from Teams; fall back to backoff


def _error_code(body: str | None) -> str:
    try:
        error = json.loads(body or "").get("error") or {}
    except (ValueError, AttributeError):
        return ""
    return str(error.get("code") or "") if isinstance(error, dict) else ""
