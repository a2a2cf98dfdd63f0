"""The send API: what services call to send, update or delete a message in Teams.

Each call records one delivery row and enqueues its durable run; it returns at once with a
``DeliveryReceipt`` (the send itself happens in the background, ``executor.py``). A
``dedupe_key`` makes a call idempotent: a second call returns the first delivery's receipt
and sends nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_delivery as wording
from services.clock import Clock
from services.delivery.engine import WorkQueue
from services.delivery.gateway import Card
from services.delivery.records import DeliveryReceipt, MessageRef, work_for
from services.errors import NotFound
from storage.db import transaction
from storage.models import Conversation, Delivery, DeliveryOperation, DeliveryStatus, Person
from storage.repositories import conversations as conversation_repo
from storage.repositories import deliveries as delivery_repo


class DeliveryOutbox:
    """Records sends, updates and deletes and hands them to the queue (``services.outbox.Outbox``)."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, queue: WorkQueue) -> None:
        self._sessions = sessions
        self._clock = clock
        self._queue = queue

    async def send_card_to_person(
        self,
        person_id: int,
        card: Card,
        *,
        purpose: str,
        broadcast_id: int | None = None,
        dedupe_key: str | None = None,
    ) -> DeliveryReceipt:
        """Send a card to a person's 1:1 chat with qop (created if Teams allows and none is known).

        With ``broadcast_id`` the send joins that broadcast (counted in its progress); its
        idempotency key is then (broadcast, person) unless ``dedupe_key`` says otherwise."""
        if broadcast_id is not None and dedupe_key is None:
            dedupe_key = f"broadcast:{broadcast_id}:person:{person_id}"
        return await self._send_to_person(
            person_id, purpose, card=card, text=None, dedupe_key=dedupe_key, broadcast_id=broadcast_id
        )

    async def send_text_to_person(
        self, person_id: int, text: str, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        return await self._send_to_person(person_id, purpose, card=None, text=text, dedupe_key=dedupe_key)

    async def post_card_to_conversation(
        self, conversation: int | str, card: Card, *, purpose: str, dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        """Post a card to a channel, group chat or 1:1 chat, by our id or Teams' conversation id."""

        async def build(session: AsyncSession) -> Delivery:
            target = await find_conversation(session, conversation)
            return Delivery(
                purpose=purpose,
                conversation_pk=target.id,
                partition_key=target.conversation_id,
                card=card,
                dedupe_key=dedupe_key,
            )

        return await self._record_and_enqueue(build, dedupe_key)

    async def update_card(
        self, message: int | MessageRef, card: Card, *, purpose: str = "update", dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        """Replace a card qop sent: ``message`` is the delivery id of the send, or a MessageRef."""
        return await self._change_message(message, DeliveryOperation.UPDATE, purpose, card, dedupe_key)

    async def delete_message(
        self, message: int | MessageRef, *, purpose: str = "delete", dedupe_key: str | None = None
    ) -> DeliveryReceipt:
        return await self._change_message(message, DeliveryOperation.DELETE, purpose, None, dedupe_key)

    async def get(self, delivery_id: int) -> DeliveryReceipt:
        async with self._sessions() as session:
            delivery = await delivery_repo.get(session, delivery_id)
        if delivery is None:
            raise NotFound(wording.MESSAGE_UNKNOWN)
        return DeliveryReceipt.of(delivery)

    async def _send_to_person(
        self,
        person_id: int,
        purpose: str,
        *,
        card: Card | None,
        text: str | None,
        dedupe_key: str | None,
        broadcast_id: int | None = None,
    ) -> DeliveryReceipt:
        async def build(session: AsyncSession) -> Delivery:
            if await session.get(Person, person_id) is None:
                raise NotFound(wording.PERSON_UNKNOWN)
            if broadcast_id is not None:
                broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
                if broadcast is None:
                    raise NotFound(wording.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
                broadcast.total += 1
            partitions = await person_partitions(session, [person_id])
            return Delivery(
                purpose=purpose,
                person_id=person_id,
                broadcast_id=broadcast_id,
                partition_key=partitions[person_id],
                card=card,
                text=text,
                dedupe_key=dedupe_key,
            )

        return await self._record_and_enqueue(build, dedupe_key)

    async def _change_message(
        self,
        message: int | MessageRef,
        operation: DeliveryOperation,
        purpose: str,
        card: Card | None,
        dedupe_key: str | None,
    ) -> DeliveryReceipt:
        async def build(session: AsyncSession) -> Delivery:
            if isinstance(message, MessageRef):
                conversation = await find_conversation(session, message.conversation_id)
                return Delivery(
                    operation=operation.value,
                    purpose=purpose,
                    conversation_pk=conversation.id,
                    partition_key=conversation.conversation_id,
                    message_id=message.message_id,
                    card=card,
                    dedupe_key=dedupe_key,
                )
            original = await delivery_repo.get(session, message)
            if original is None or original.operation != DeliveryOperation.SEND.value:
                raise NotFound(wording.MESSAGE_UNKNOWN)
            return Delivery(
                operation=operation.value,
                purpose=purpose,
                person_id=original.person_id,
                conversation_pk=original.conversation_pk,
                partition_key=await _follow_up_partition(session, original),
                target_delivery_id=original.id,
                card=card,
                dedupe_key=dedupe_key,
            )

        return await self._record_and_enqueue(build, dedupe_key)

    async def _record_and_enqueue(
        self, build: Callable[[AsyncSession], Awaitable[Delivery]], dedupe_key: str | None
    ) -> DeliveryReceipt:
        async with transaction(self._sessions) as session:
            existing = await delivery_repo.by_dedupe_key(session, dedupe_key) if dedupe_key else None
            delivery = existing or await build(session)
            if existing is None:
                delivery.created_at = self._clock.now()
                session.add(delivery)
                await session.flush()
            receipt = DeliveryReceipt.of(delivery)
            work = work_for(delivery)
        if receipt.status == DeliveryStatus.QUEUED.value:
            await self._queue.enqueue(work)  # idempotent: a second enqueue of the same run is ignored
        return receipt


async def person_partitions(session: AsyncSession, people: Sequence[int]) -> dict[int, str]:
    """The queue partition of each person: their 1:1 chat's id when known (so the per-conversation
    limit is shared with everything else sent there), else a key of their own."""
    known = await delivery_repo.personal_chat_ids(session, people)
    return {person_id: known.get(person_id, f"person:{person_id}") for person_id in people}


async def find_conversation(session: AsyncSession, conversation: int | str) -> Conversation:
    """A conversation qop is in, by our id (int) or Teams' conversation id (str)."""
    found = (
        await session.get(Conversation, conversation)
        if isinstance(conversation, int)
        else await conversation_repo.get(session, conversation)
    )
    if found is None:
        raise NotFound(wording.NOT_INSTALLED_THERE)
    return found


async def _follow_up_partition(session: AsyncSession, original: Delivery) -> str:
    """Where an update or delete of ``original`` queues: behind the original while it is still
    queued (so it cannot overtake it; for a broadcast's send, its lane's key puts it in the
    broadcast queue, after the original), else in the conversation's own partition (a
    broadcast's queue may still hold thousands of sends, and the user who just pressed a button
    should not wait for them)."""
    if original.status == DeliveryStatus.QUEUED.value or original.conversation_pk is None:
        return original.partition_key
    conversation = await session.get(Conversation, original.conversation_pk)
    return conversation.conversation_id if conversation is not None else original.partition_key
