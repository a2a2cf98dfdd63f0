"""How the audit service reaches people outside the current conversation.

The delivery engine (``services/delivery``) is the one way qop sends to Teams; the audit service
only needs these two calls, so it depends on this small protocol rather than on the engine.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from services.errors import NotFound

if TYPE_CHECKING:
    from services.delivery import DeliveryService

logger = logging.getLogger(__name__)

Card = dict[str, Any]


class Notifier(Protocol):
    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        """Send a card to a person's personal chat; ``key`` makes a repeated send a no-op.
        Returns a reference that ``update_card`` accepts (None if it could not be queued)."""
        ...

    async def update_card(self, reference: str, card: Card) -> None:
        """Replace a card sent earlier (e.g. with a read-only summary after submission)."""
        ...


class DeliveryNotifier:
    """Through the delivery engine: durable, rate-limited, idempotent by ``key``."""

    PURPOSE = "audit"

    def __init__(self, delivery: DeliveryService) -> None:
        self._delivery = delivery

    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        try:
            receipt = await self._delivery.send_card_to_person(person_id, card, purpose=self.PURPOSE, dedupe_key=key)
        except NotFound:
            logger.info("no way to reach person %s in Teams; %s waits in their tasks", person_id, key)
            return None
        except Exception:
            # Recorded but not yet queued (e.g. the command line before the bot first started):
            # the app's start-up sweep queues it. The audit itself is already stored.
            logger.warning("audit card %s recorded; it will be queued when the bot starts", key)
            return None
        return str(receipt.delivery_id)

    async def update_card(self, reference: str, card: Card) -> None:
        try:
            await self._delivery.update_card(int(reference), card, purpose=self.PURPOSE)
        except NotFound:
            logger.info("audit card %s can no longer be updated", reference)


class NoNotifier:
    """Sends nothing: for the command line before the delivery engine is wired, and jobs
    that only store work (everything is still reachable from ``my tasks``)."""

    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        return None

    async def update_card(self, reference: str, card: Card) -> None:
        return None
