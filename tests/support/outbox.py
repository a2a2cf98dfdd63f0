"""``RecordingOutbox``: an ``Outbox`` (``services/outbox.py``) that records instead of sending.

It answers like the delivery service: every call returns a receipt (a queued delivery with
its own id), a repeated ``dedupe_key`` returns the first call's receipt and delivers nothing
more, a broadcast is one send per distinct recipient keyed (broadcast, person), and an unknown
person or message raises ``NotFound`` when ``known_people`` is given. ``requests`` keeps
every call, repeats included, so a test can also see a card asked for twice; ``delivered``
is what the real outbox would have sent. Set ``fail`` to an exception to have every call raise
it (the process dying at the hand-over).

    outbox = RecordingOutbox()
    services = build_services(settings, engine, clock=clock, outbox=outbox)
    ...
    assert outbox.keys("-moderate") == [(moderator_id, f"audit-{audit_id}-moderate")]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from services.delivery import BroadcastProgress, DeliveryReceipt
from services.errors import InvalidInput, NotFound

Card = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One call to the outbox: ``operation`` is send, post or update; ``target`` the person id,
    the conversation or the delivery id of the card updated."""

    operation: str
    target: int | str
    card: Card
    purpose: str
    dedupe_key: str | None
    receipt: DeliveryReceipt
    repeated: bool
    """The key was used before: the real outbox would have sent nothing for this call."""


class RecordingOutbox:
    def __init__(self, *, known_people: Collection[int] | None = None) -> None:
        self.requests: list[Request] = []
        self.known_people = known_people
        self.fail: BaseException | None = None
        self._by_key: dict[str, DeliveryReceipt] = {}
        self._broadcasts = 0

    # -- the Outbox ------------------------------------------------------------------------------

    async def send_card_to_person(
        self, person_id: int, card: Card, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        if self.known_people is not None and person_id not in self.known_people:
            raise NotFound("That person is not known to qop.")
        return self._record("send", person_id, card, purpose, dedupe_key)

    async def post_card_to_conversation(
        self, conversation: int | str, card: Card, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        return self._record("post", conversation, card, purpose, dedupe_key)

    async def update_card(
        self, message: int, card: Card, *, purpose: str = "update", dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        if not any(r.receipt.delivery_id == message and r.operation != "update" for r in self.requests):
            raise NotFound("That message is not known.")
        return self._record("update", message, card, purpose, dedupe_key)

    async def start_broadcast(
        self,
        sender_person_id: int | None,
        recipients: Sequence[int],
        card: Card | Callable[[int], Card],
        *,
        title: str,
        purpose: str = "broadcast",
    ) -> BroadcastProgress:
        people = list(dict.fromkeys(recipients))
        if not people:
            raise InvalidInput("A broadcast needs at least one recipient.")
        self._broadcasts += 1
        broadcast_id = self._broadcasts
        for person_id in people:
            personal = card(person_id) if callable(card) else card
            self._record("send", person_id, personal, purpose, f"broadcast:{broadcast_id}:person:{person_id}")
        return BroadcastProgress(
            broadcast_id=broadcast_id,
            title=title[:200],
            status="running",
            sender_person_id=sender_person_id,
            total=len(people),
            queued=len(people),
            sent=0,
            failed=0,
            blocked=0,
            cancelled=0,
        )

    # -- what the test reads ---------------------------------------------------------------------

    @property
    def delivered(self) -> list[Request]:
        """The calls the real outbox would have carried out (repeated keys left out)."""
        return [request for request in self.requests if not request.repeated]

    @property
    def sent(self) -> list[tuple[int, Card, str | None]]:
        """(person id, card, dedupe key) of every card asked for a person, repeats included."""
        return [(int(r.target), r.card, r.dedupe_key) for r in self.requests if r.operation == "send"]

    def keys(self, containing: str) -> list[tuple[int, str]]:
        """(person id, dedupe key) of the cards asked for a person whose key contains ``containing``."""
        return [(person, key) for person, _, key in self.sent if key is not None and containing in key]

    def _record(
        self, operation: str, target: int | str, card: Card, purpose: str, dedupe_key: str | None
    ) -> DeliveryReceipt:
        if self.fail is not None:
            raise self.fail
        earlier = self._by_key.get(dedupe_key) if dedupe_key else None
        receipt = earlier or DeliveryReceipt(
            delivery_id=len(self.requests) + 1,
            status="queued",
            operation="send" if operation == "post" else operation,
            purpose=purpose,
            message_id=None,
            reason=None,
            attempts=0,
            broadcast_id=None,
        )
        if dedupe_key and earlier is None:
            self._by_key[dedupe_key] = receipt
        self.requests.append(Request(operation, target, card, purpose, dedupe_key, receipt, earlier is not None))
        return receipt
