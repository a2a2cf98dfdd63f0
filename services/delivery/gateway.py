"""The Teams side of delivery, as the delivery service sees it: a small protocol and the
typed errors every implementation must raise.

The real implementation (``bot/gateway.py``) talks to the Bot Connector through the Agents
SDK; tests and benchmarks point it at the local fake connector. Nothing here retries: the
retry and rate policy lives in the delivery service, because the SDK raises on the first
429 and does not retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Card = dict[str, Any]


@dataclass(frozen=True)
class ConversationAddress:
    """Enough to message a conversation proactively: where its Bot Connector lives and who we are."""

    service_url: str
    conversation_id: str
    bot_id: str
    tenant_id: str | None = None
    reference: dict[str, Any] = field(default_factory=dict)
    """The stored conversation reference as Teams gave it (kept whole for the SDK)."""


class GatewayError(Exception):
    """Base of every failure a gateway reports; ``reason`` is safe to store and show to a sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Throttled(GatewayError):
    """HTTP 429: too many requests. ``retry_after`` seconds when Teams said how long to wait."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Transient(GatewayError):
    """412, 5xx, a timeout or a dropped connection: worth trying again later."""


class Blocked(GatewayError):
    """HTTP 403 MessageWritesBlocked: the person blocked or removed qop; stop sending there."""


class ConversationGone(GatewayError):
    """HTTP 404: the conversation no longer exists (or the app was removed from it)."""


class TooLarge(GatewayError):
    """HTTP 413 MessageSizeTooBig: the card is over Teams' limit; retrying cannot help."""


class Rejected(GatewayError):
    """Any other refusal (400, 401, other 403s): permanent for this message."""


class TeamsGateway(Protocol):
    """What the delivery service needs from Teams. Implementations raise the errors above."""

    async def send_activity(self, address: ConversationAddress, *, card: Card | None, text: str | None) -> str:
        """Post a new message; returns Teams' message id (needed to update or delete it later)."""
        ...

    async def create_personal_conversation(
        self, *, service_url: str, tenant_id: str | None, bot_id: str, user_id: str
    ) -> ConversationAddress:
        """Create (or get back) the 1:1 chat between qop and a user qop is installed for."""
        ...

    async def update_activity(self, address: ConversationAddress, message_id: str, *, card: Card) -> None: ...

    async def delete_activity(self, address: ConversationAddress, message_id: str) -> None: ...

    async def close(self) -> None:
        """Release connections (called when the app stops)."""
        ...
