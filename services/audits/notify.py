"""How the audit service reaches people outside the current conversation: through the outbox
(``services.outbox``), with audit cards' own handling of a person Teams cannot reach."""

from __future__ import annotations

import logging
from typing import Any

from services.errors import NotFound
from services.outbox import Outbox

logger = logging.getLogger(__name__)

Card = dict[str, Any]


class AuditNotifier:
    """Sends audit cards, idempotent by ``key``; without an outbox (jobs that only store work)
    it sends nothing, and everything is still reachable from ``my tasks``."""

    PURPOSE = "audit"

    def __init__(self, outbox: Outbox | None) -> None:
        self._outbox = outbox

    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        """Send a card to a person's personal chat; ``key`` makes a repeated send a no-op.
        Returns a reference that ``update_card`` accepts (None if it could not be queued)."""
        if self._outbox is None:
            return None
        try:
            receipt = await self._outbox.send_card_to_person(person_id, card, purpose=self.PURPOSE, dedupe_key=key)
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
        """Replace a card sent earlier (e.g. with a read-only summary after submission)."""
        if self._outbox is None:
            return
        try:
            await self._outbox.update_card(int(reference), card, purpose=self.PURPOSE)
        except NotFound:
            logger.info("audit card %s can no longer be updated", reference)
