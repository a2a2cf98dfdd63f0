"""How the audit service reaches people outside the current conversation.

The delivery engine (``services/delivery``) is the one way qop sends to Teams; the audit service
only needs these two calls, so it depends on this small protocol rather than on the engine.
"""

from __future__ import annotations

from typing import Any, Protocol

Card = dict[str, Any]


class Notifier(Protocol):
    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        """Send a card to a person's personal chat; ``key`` makes a repeated send a no-op.
        Returns a reference that ``update_card`` accepts (None if it could not be queued)."""
        ...

    async def update_card(self, reference: str, card: Card) -> None:
        """Replace a card sent earlier (e.g. with a read-only summary after submission)."""
        ...


class NoNotifier:
    """Sends nothing: for the command line before the delivery engine is wired, and jobs
    that only store work (everything is still reachable from ``my tasks``)."""

    async def send_card(self, person_id: int, card: Card, *, key: str) -> str | None:
        return None

    async def update_card(self, reference: str, card: Card) -> None:
        return None
