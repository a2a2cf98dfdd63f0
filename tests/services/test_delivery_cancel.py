"""Cancelling a broadcast while it is going out (a slow queue so there is something to cancel)."""

from __future__ import annotations

import pytest

from qop.settings import Settings
from tests.support.delivery import DeliveryHarness, eventually

SURVEY = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Practice survey"}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"delivery_rate_per_second": 3})


async def test_cancel_stops_what_is_still_queued_and_every_recipient_is_accounted_for(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    sender = await delivery.person_with_chat(1)
    recipients = [await delivery.person_with_chat(n) for n in range(2, 32)]
    started = await services.delivery.start_broadcast(sender, recipients, SURVEY, title="Survey")

    async def some_sent():  # type: ignore[no-untyped-def]
        return (await services.delivery.progress(started.broadcast_id)).sent >= 2

    await eventually(some_sent, what="the first sends")
    cancelled = await services.delivery.cancel_broadcast(started.broadcast_id, actor_id=sender)
    assert cancelled.status == "cancelled" and cancelled.cancelled > 0

    done = await delivery.broadcast_settled(started.broadcast_id)
    delivered = [p for p in delivery.connector.posts if p.conversation_id != delivery.chat_id(1)]
    assert done.sent + done.cancelled == 30 and done.cancelled >= 20
    assert len(delivered) == done.sent  # what Teams got is exactly what the record says was sent

    async def cancelled_card():  # type: ignore[no-untyped-def]
        shown = delivery.connector.in_conversation(delivery.chat_id(1))
        return shown if shown and "Cancelled" in str(shown[-1].cards) else None

    await eventually(cancelled_card, what="the progress card to say cancelled")
