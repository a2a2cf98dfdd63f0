"""Broadcasts: many sends with live progress for the sender, cancel, resend to failed,
idempotent enqueueing, and the per-conversation limit kept under Teams' own."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cards.text_delivery import PROGRESS_FINISHED_NOTE
from services.delivery.broadcasts import broadcast_lanes
from services.delivery.records import work_for
from services.errors import InvalidInput, NotAllowed
from storage.db import transaction
from storage.models import Delivery
from tests.support.delivery import DeliveryHarness, eventually

SURVEY = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Practice survey"}]}


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(message.cards, ensure_ascii=False)


async def _people(delivery: DeliveryHarness, numbers: range) -> list[int]:
    return [await delivery.person_with_chat(number) for number in numbers]


async def test_a_broadcast_reaches_everyone_once_and_the_sender_sees_progress_in_place(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    sender = await delivery.person_with_chat(1)
    recipients = await _people(delivery, range(2, 8))

    started = await services.delivery.start_broadcast(sender, recipients, SURVEY, title="Practice survey")
    assert (started.total, started.status) == (6, "running")
    done = await delivery.broadcast_settled(started.broadcast_id)

    assert (done.status, done.sent, done.failed, done.blocked) == ("finished", 6, 0, 0)
    for number in range(2, 8):
        assert [m.cards for m in delivery.connector.in_conversation(delivery.chat_id(number))] == [[SURVEY]]

    async def final_card_shown():  # type: ignore[no-untyped-def]
        # A "Sent 6 of 6" update can still be a running one (the counts reach the total just
        # before the broadcast is marked finished): wait for the finished card itself.
        messages = delivery.connector.in_conversation(delivery.chat_id(1))
        finished = messages and "Sent 6 of 6" in _text(messages[-1]) and PROGRESS_FINISHED_NOTE in _text(messages[-1])
        return messages if finished else None

    first, *updates = await eventually(final_card_shown, what="the progress card to show the end")
    assert first.method == "POST" and "Sent 0 of 6" in _text(first)
    assert updates and all(u.method == "PUT" and u.message_id == first.message_id for u in updates)
    assert "Resend to failed" not in _text(updates[-1]) and "Cancel sending" not in _text(updates[-1])


async def test_a_personalised_broadcast_builds_each_card_from_the_person(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    recipients = await _people(delivery, range(1, 4))

    def card_for(person_id: int) -> dict:
        return {**SURVEY, "body": [{"type": "TextBlock", "text": f"For person {person_id}"}]}

    started = await services.delivery.start_broadcast(None, recipients, card_for, title="Personal")
    await delivery.broadcast_settled(started.broadcast_id)

    for number, person_id in zip(range(1, 4), recipients, strict=True):
        [message] = delivery.connector.in_conversation(delivery.chat_id(number))
        assert f"For person {person_id}" in _text(message)


async def test_failed_and_blocked_recipients_are_counted_and_only_the_failed_are_resent(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    sender = await delivery.person_with_chat(1)
    recipients = await _people(delivery, range(2, 6))
    delivery.connector.fail(delivery.chat_id(3), 500)
    delivery.connector.fail(delivery.chat_id(4), 403)

    started = await services.delivery.start_broadcast(sender, recipients, SURVEY, title="Survey")
    done = await delivery.broadcast_settled(started.broadcast_id)
    assert (done.sent, done.failed, done.blocked) == (2, 1, 1)
    assert done.summary == "Sent 2 of 4 \u00b7 1 failed \u00b7 1 blocked"

    async def final_card():  # type: ignore[no-untyped-def]
        shown = delivery.connector.in_conversation(delivery.chat_id(1))
        return shown[-1] if shown and done.summary in _text(shown[-1]) else None

    assert "Resend to failed" in _text(await eventually(final_card, what="the final progress card"))

    delivery.connector.clear(delivery.chat_id(3))
    await services.delivery.resend_failed(started.broadcast_id, actor_id=sender)
    again = await delivery.broadcast_settled(started.broadcast_id)

    assert (again.sent, again.failed, again.blocked) == (3, 0, 1)
    assert len(delivery.connector.in_conversation(delivery.chat_id(3))) == 1
    assert delivery.connector.in_conversation(delivery.chat_id(4)) == []
    for number in (2, 5):
        assert len(delivery.connector.in_conversation(delivery.chat_id(number))) == 1


async def test_only_the_sender_may_cancel_or_resend(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    sender, other = await delivery.person_with_chat(1), await delivery.person_with_chat(2)
    started = await services.delivery.start_broadcast(sender, [other], SURVEY, title="Survey")

    with pytest.raises(NotAllowed):
        await services.delivery.cancel_broadcast(started.broadcast_id, actor_id=other)
    with pytest.raises(NotAllowed):
        await services.delivery.resend_failed(started.broadcast_id, actor_id=other)
    with pytest.raises(InvalidInput):
        await services.delivery.start_broadcast(sender, [], SURVEY, title="Nobody")
    await delivery.broadcast_settled(started.broadcast_id)


async def test_enqueueing_a_broadcast_twice_sends_each_message_once(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    recipients = await _people(delivery, range(1, 6))
    started = await services.delivery.start_broadcast(None, recipients, SURVEY, title="Survey")
    async with delivery.sessions() as session:
        rows = list(await session.scalars(select(Delivery).where(Delivery.broadcast_id == started.broadcast_id)))
    await services.delivery.queue.enqueue_many([work_for(row) for row in rows])
    for person in recipients:  # the same (broadcast, person) again through the public API
        await services.delivery.send_card_to_person(person, SURVEY, purpose="survey", broadcast_id=started.broadcast_id)

    done = await delivery.broadcast_settled(started.broadcast_id)

    assert done.sent == done.total == 5
    assert len(delivery.connector.posts) == 5 and delivery.connector.duplicates == 0


async def test_a_queued_delivery_dbos_never_heard_of_is_found_and_sent(
    delivery: DeliveryHarness, services, clock
) -> None:  # type: ignore[no-untyped-def]
    """A crash between our commit and the enqueue leaves a queued row with no workflow."""
    person = await delivery.person_with_chat(1)
    async with delivery.sessions() as session, session.begin():
        row = Delivery(purpose="audit", person_id=person, partition_key=delivery.chat_id(1), card=SURVEY)
        row.created_at = clock.now()
        session.add(row)
    assert await services.delivery.requeue_orphans() == 1
    assert (await delivery.settled(row.id)).status == "sent"
    assert await services.delivery.requeue_orphans() == 0
    assert len(delivery.connector.posts) == 1


async def test_a_burst_to_one_conversation_arrives_complete_and_in_order_under_teams_limits(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    """qop's 6/s per conversation keeps the 1-second limit; Teams' 8-per-2-seconds window then
    answers 429 + Retry-After, which is waited out: slower, nothing lost, order kept."""
    delivery.connector.enforce_limits = True
    channel = await delivery.channel("General")

    def numbered(n: int) -> dict:
        return {**SURVEY, "body": [{"type": "TextBlock", "text": f"Item {n}"}]}

    receipts = [
        await services.delivery.post_card_to_conversation(channel, numbered(n), purpose="digest") for n in range(14)
    ]
    settled = [await delivery.settled(receipt) for receipt in receipts]

    assert {r.status for r in settled} == {"sent"}
    arrived = delivery.connector.in_conversation(channel)
    assert [m.cards[0]["body"][0]["text"] for m in arrived] == [f"Item {n}" for n in range(14)]


async def test_a_broadcast_spreads_over_a_few_lanes_and_a_later_update_queues_in_the_chat(
    delivery: DeliveryHarness, services, settings
) -> None:  # type: ignore[no-untyped-def]
    """One queue partition per recipient made DBOS visit thousands of partitions per poll; a
    broadcast's sends share a few lanes instead. A button pressed on one of its cards must not
    wait behind the rest of the broadcast: the update queues in that person's own chat."""
    recipients = await _people(delivery, range(1, 40))
    started = await services.delivery.start_broadcast(None, recipients, SURVEY, title="Survey")
    await delivery.broadcast_settled(started.broadcast_id)
    async with delivery.sessions() as session:
        sends = list(await session.scalars(select(Delivery).where(Delivery.broadcast_id == started.broadcast_id)))
    lanes = {row.partition_key for row in sends}
    expected = broadcast_lanes(settings.delivery_rate_per_second, settings.delivery_conversation_rate_per_second)
    assert len(lanes) == expected < len(sends)
    assert all(key.startswith(f"broadcast:{started.broadcast_id}:lane:") for key in lanes)

    first = min(sends, key=lambda row: row.id)
    receipt = await services.delivery.update_card(
        first.id, {**SURVEY, "body": [{"type": "TextBlock", "text": "Thanks"}]}
    )
    async with delivery.sessions() as session:
        update = await session.get(Delivery, receipt.delivery_id)
    assert update is not None and update.partition_key == delivery.chat_id(1)
    assert (await delivery.settled(receipt)).status == "sent"
    [put] = [m for m in delivery.connector.in_conversation(delivery.chat_id(1)) if m.method == "PUT"]
    assert put.message_id == first.message_id


async def test_an_instance_forgets_its_progress_claims_once_they_decide_nothing(services, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    executor = services.delivery.executor
    interval = services.delivery.config.progress_interval_seconds
    async with transaction(sessions) as session:
        for broadcast_id in range(1, 51):  # broadcasts long finished
            await executor._claim_progress_refresh(session, broadcast_id, clock.now())
        clock.advance(timedelta(seconds=interval))
        await executor._claim_progress_refresh(session, 999, clock.now())

    assert set(executor._progress_claims_tried) == {999}
