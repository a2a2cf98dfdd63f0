"""``Outbox``: what a service needs to send anything to Teams.

The delivery service (``services.delivery.DeliveryService``) is the implementation: every call
records a durable, rate-limited delivery and returns at once. Services take it as
``outbox=`` from the composition root and never talk to Teams themselves. A ``dedupe_key``
makes a call idempotent: a repeat returns the first call's receipt and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from services.delivery.records import BroadcastProgress, DeliveryReceipt

Card = dict[str, Any]


class Outbox(Protocol):
    async def send_card_to_person(
        self, person_id: int, card: Card, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        """To a person's 1:1 chat with qop. Raises ``NotFound`` for a person qop does not know."""
        ...

    async def post_card_to_conversation(
        self, conversation: int | str, card: Card, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        """To a channel, group chat or 1:1 chat, by our id (int) or Teams' conversation id (str)."""
        ...

    async def update_card(
        self, message: int, card: Card, *, purpose: str = "update", dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        """Replace a card sent earlier; ``message`` is the ``delivery_id`` of its receipt."""
        ...

    async def start_broadcast(
        self,
        sender_person_id: int | None,
        recipients: Sequence[int],
        card: Card | Callable[[int], Card],
        *,
        title: str,
        purpose: str = "broadcast",
    ) -> BroadcastProgress:
        """One card (or one per person) to many people; the sender, when given, gets a progress card."""
        ...
