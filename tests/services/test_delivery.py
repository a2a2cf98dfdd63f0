"""The delivery engine against the fake Bot Connector, on SQLite and PostgreSQL: every send is
recorded, retried within bounds, and ends in a status that says what happened."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from services.delivery import MessageRef
from services.delivery.engine import runs_in_flight
from services.delivery.records import work_for
from services.errors import NotFound
from storage.models import Conversation, Delivery
from tests.support.delivery import DeliveryHarness, eventually, running_delivery

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Audit AUD-7 is ready"}]}
UPDATED = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Submitted, thank you"}]}
CHAT = DeliveryHarness.chat_id(1)


async def _conversation(delivery: DeliveryHarness, conversation_id: str) -> Conversation:
    async with delivery.sessions() as session:
        return await session.scalar(select(Conversation).where(Conversation.conversation_id == conversation_id))


async def test_a_card_to_a_person_arrives_in_their_chat_and_records_the_message_id(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)

    receipt = await services.delivery.send_card_to_person(person, CARD, purpose="audit")
    assert receipt.status == "queued"
    receipt = await delivery.settled(receipt)

    [message] = delivery.connector.in_conversation(CHAT)
    assert receipt.status == "sent" and receipt.message_id == message.message_id and receipt.attempts == 1
    assert message.cards == [CARD]


async def test_a_sent_card_is_updated_in_place_by_delivery_id_or_by_message_ref(
    delivery: DeliveryHarness, services
) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    sent = await services.delivery.send_card_to_person(person, CARD, purpose="audit")
    # Enqueued before the send has happened: the update waits for the message id.
    by_id = await delivery.settled(await services.delivery.update_card(sent.delivery_id, UPDATED, purpose="audit"))
    sent = await services.delivery.get(sent.delivery_id)

    by_ref = await services.delivery.update_card(MessageRef(CHAT, sent.message_id), CARD, purpose="audit")
    by_ref = await delivery.settled(by_ref)
    deleted = await delivery.settled(await services.delivery.delete_message(sent.delivery_id))

    post, first_update, second_update = delivery.connector.in_conversation(CHAT)
    assert (post.method, first_update.method, second_update.method) == ("POST", "PUT", "PUT")
    assert first_update.message_id == second_update.message_id == post.message_id == sent.message_id
    assert first_update.cards == [UPDATED] and second_update.cards == [CARD]
    assert by_id.status == by_ref.status == deleted.status == "sent"
    assert delivery.connector.deleted == [(CHAT, sent.message_id)]


async def test_a_card_posted_to_a_channel_by_teams_id_or_our_id(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    channel_id = await delivery.channel("General")
    channel = await _conversation(delivery, channel_id)

    first = await services.delivery.post_card_to_conversation(channel_id, CARD, purpose="digest")
    second = await services.delivery.post_card_to_conversation(channel.id, UPDATED, purpose="digest")

    assert (await delivery.settled(first)).status == (await delivery.settled(second)).status == "sent"
    assert [m.cards for m in delivery.connector.in_conversation(channel_id)] == [[CARD], [UPDATED]]


async def test_the_same_dedupe_key_twice_sends_once(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)

    first = await services.delivery.send_card_to_person(person, CARD, purpose="audit", dedupe_key="audit:7:invite")
    second = await services.delivery.send_card_to_person(person, CARD, purpose="audit", dedupe_key="audit:7:invite")
    await delivery.settled(first)
    # Enqueueing the very same run again (as a recovery sweep would) is ignored too.
    async with delivery.sessions() as session:
        row = await session.get(Delivery, first.delivery_id)
    await services.delivery.queue.enqueue(work_for(row))
    third = await services.delivery.send_card_to_person(person, CARD, purpose="audit", dedupe_key="audit:7:invite")

    assert first.delivery_id == second.delivery_id == third.delivery_id
    assert third.status == "sent"
    assert len(delivery.connector.in_conversation(CHAT)) == 1


async def test_a_person_without_a_stored_chat_gets_one_created(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    await delivery.channel("General")  # qop is installed somewhere: tenant and service URL are known
    person = await delivery.person_without_chat(5)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="reminder"))

    assert receipt.status == "sent"
    [created] = delivery.connector.created_conversations
    assert created["members"] == [{"id": "29:user-5"}] and created["tenantId"]
    chat = await _conversation(delivery, "a:1on1-29:user-5")
    assert chat.person_id == person and chat.kind == "personal"
    assert len(delivery.connector.in_conversation("a:1on1-29:user-5")) == 1


async def test_a_person_qop_never_met_in_teams_fails_with_a_reason(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_without_chat(6)
    async with delivery.sessions() as session, session.begin():
        (await session.get(__import__("storage.models").models.Person, person)).teams_user_id = None

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="reminder"))

    assert receipt.status == "failed" and "never met" in receipt.reason


async def test_unknown_people_and_conversations_are_refused_before_anything_is_queued(delivery, services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        await services.delivery.send_card_to_person(999_999, CARD, purpose="audit")
    with pytest.raises(NotFound):
        await services.delivery.post_card_to_conversation("19:nowhere@thread.tacv2", CARD, purpose="digest")
    with pytest.raises(NotFound):
        await services.delivery.update_card(999_999, CARD)
    async with delivery.sessions() as session:
        assert (await session.scalar(select(Delivery))) is None


# -- failure paths ---------------------------------------------------------------------------------


async def test_429_with_retry_after_is_waited_out_then_sent(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, 429, times=2, retry_after="1")

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "sent" and receipt.attempts == 3
    assert delivery.connector.faults_answered[429] == 2 and len(delivery.connector.in_conversation(CHAT)) == 1


async def test_429_without_retry_after_backs_off_then_sends(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, 429, times=3)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "sent" and receipt.attempts == 4


@pytest.mark.parametrize("status", [412, 502, 503, 504])
async def test_temporary_errors_are_retried(delivery: DeliveryHarness, services, status: int) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, status, times=2)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "sent" and receipt.attempts == 3


async def test_a_lasting_5xx_fails_after_the_bounded_attempts_with_the_reason(
    delivery: DeliveryHarness, services, settings
) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, 500)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "failed" and "temporary problem (500)" in receipt.reason
    assert receipt.attempts == settings.delivery_max_attempts == delivery.connector.faults_answered[500]
    assert delivery.connector.in_conversation(CHAT) == []


async def test_a_timeout_is_retried(delivery: DeliveryHarness, services, settings) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.slow(CHAT, settings.delivery_request_timeout_seconds + 1, times=1)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "sent" and receipt.attempts == 2


async def test_403_blocked_marks_the_chat_and_nothing_more_is_sent_there(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, 403)

    first = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))
    second = await delivery.settled(await services.delivery.send_card_to_person(person, UPDATED, purpose="audit"))

    assert first.status == second.status == "blocked" and "blocked qop" in first.reason
    assert first.attempts == 1 and second.attempts == 0  # the second never reached Teams
    assert delivery.connector.faults_answered[403] == 1
    assert (await _conversation(delivery, CHAT)).blocked_at is not None


async def test_404_marks_the_conversation_gone(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    channel_id = await delivery.channel("General")
    delivery.connector.fail(channel_id, 404)

    receipt = await delivery.settled(
        await services.delivery.post_card_to_conversation(channel_id, CARD, purpose="digest")
    )

    assert receipt.status == "failed" and "no longer exists" in receipt.reason and receipt.attempts == 1
    channel = await _conversation(delivery, channel_id)
    assert not channel.installed and channel.uninstalled_at is not None


async def test_413_fails_at_once_with_the_reason(delivery: DeliveryHarness, services) -> None:  # type: ignore[no-untyped-def]
    person = await delivery.person_with_chat(1)
    delivery.connector.fail(CHAT, 413)

    receipt = await delivery.settled(await services.delivery.send_card_to_person(person, CARD, purpose="audit"))

    assert receipt.status == "failed" and "too large" in receipt.reason and receipt.attempts == 1


async def test_stopping_lets_a_send_in_flight_finish_without_an_error(services, connector, caplog) -> None:  # type: ignore[no-untyped-def]
    """A rolling upgrade stops an instance while it is sending: the send Teams is answering
    completes and is recorded before DBOS goes, and nothing is logged as an error."""
    async with running_delivery(services, connector) as delivery:
        person = await delivery.person_with_chat(1)
        delivery.connector.slow(CHAT, 2.0, times=1)
        queued = await services.delivery.send_card_to_person(person, CARD, purpose="audit")

        async def sending() -> bool | None:
            return runs_in_flight() > 0 or None

        await eventually(sending, within=10, what="the send to be in flight")
    # running_delivery has stopped the engine here, as the app does on SIGTERM.
    receipt = await services.delivery.get(queued.delivery_id)
    assert receipt.status == "sent" and delivery.connector.in_conversation(CHAT) != []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
