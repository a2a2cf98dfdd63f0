"""What delivery hands back to callers (receipts, broadcast progress) and how a delivery row
becomes queued work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cards import delivery as delivery_cards
from services.delivery.engine import RUN_WORKFLOW, QueuedWork, delivery_workflow_id
from services.delivery.gateway import Card
from storage.models import Broadcast, Delivery, DeliveryStatus

CardFactory = Callable[[int], Card]
"""Builds the card for one recipient (by person id) when a broadcast is personalised."""

PROGRESS_PURPOSE = "broadcast-progress"
ENQUEUE_CHUNK = 500
NOT_YET_SENT_WAITS = 12
"""How many (growing) waits for an original message to be sent before changing it gives up."""


@dataclass(frozen=True)
class MessageRef:
    """A message qop posted earlier, known by Teams ids (e.g. a reply sent within a turn)."""

    conversation_id: str
    message_id: str


@dataclass(frozen=True)
class DeliveryReceipt:
    """What became of one delivery (so far). ``message_id`` is Teams' id once sent."""

    delivery_id: int
    status: str
    operation: str
    purpose: str
    message_id: str | None
    reason: str | None
    attempts: int
    broadcast_id: int | None

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryReceipt:
        return cls(
            delivery_id=delivery.id,
            status=delivery.status,
            operation=delivery.operation,
            purpose=delivery.purpose,
            message_id=delivery.message_id,
            reason=delivery.reason,
            attempts=delivery.attempts,
            broadcast_id=delivery.broadcast_id,
        )

    @property
    def settled(self) -> bool:
        return self.status != DeliveryStatus.QUEUED.value


@dataclass(frozen=True)
class BroadcastProgress:
    broadcast_id: int
    title: str
    status: str
    """running | finished | cancelled"""
    sender_person_id: int | None
    total: int
    queued: int
    sent: int
    failed: int
    blocked: int
    cancelled: int

    @property
    def summary(self) -> str:
        """ "Sent 340 of 500 · 3 failed · 2 blocked"."""
        return delivery_cards.progress_line(
            total=self.total, sent=self.sent, failed=self.failed, blocked=self.blocked, cancelled=self.cancelled
        )

    @property
    def settled(self) -> bool:
        return self.queued == 0

    def card(self) -> Card:
        return delivery_cards.progress_card(
            broadcast_id=self.broadcast_id,
            title_text=self.title,
            status=self.status,
            total=self.total,
            sent=self.sent,
            failed=self.failed,
            blocked=self.blocked,
            cancelled=self.cancelled,
        )


def work_for(delivery: Delivery) -> QueuedWork:
    """The durable run of a delivery row (its workflow id makes enqueueing it twice run it once)."""
    return QueuedWork(
        RUN_WORKFLOW,
        delivery_workflow_id(delivery.id, delivery.created_at, delivery.generation),
        delivery.partition_key,
        (delivery.id, delivery.generation),
    )


def initial_progress(broadcast: Broadcast, total: int) -> BroadcastProgress:
    return BroadcastProgress(
        broadcast_id=broadcast.id,
        title=broadcast.title,
        status="running",
        sender_person_id=broadcast.sender_person_id,
        total=total,
        queued=total,
        sent=0,
        failed=0,
        blocked=0,
        cancelled=0,
    )


def progress_of(broadcast: Broadcast, counts: dict[str, Any]) -> BroadcastProgress:
    return BroadcastProgress(
        broadcast_id=broadcast.id,
        title=broadcast.title,
        status=broadcast.status,
        sender_person_id=broadcast.sender_person_id,
        total=broadcast.total,
        queued=counts.get(DeliveryStatus.QUEUED.value, 0),
        sent=counts.get(DeliveryStatus.SENT.value, 0),
        failed=counts.get(DeliveryStatus.FAILED.value, 0),
        blocked=counts.get(DeliveryStatus.BLOCKED.value, 0),
        cancelled=counts.get(DeliveryStatus.CANCELLED.value, 0),
    )
