"""Broadcasts: one card (or one per person) to many people, spread over queue lanes, with a
progress card for the sender that refreshes itself, and cancel / resend-to-failed.

The sender's progress card is sent first; its run releases the recipients' sends when it ends
(``release_after_progress_card``). Whether a broadcast has finished is decided by the executor
after each send's outcome is committed (``executor.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_delivery as text
from services.clock import Clock
from services.delivery.engine import (
    BROADCAST_PARTITION_PREFIX,
    PROGRESS_WORKFLOW,
    QueuedWork,
    WorkQueue,
    delivery_workflow_id,
)
from services.delivery.gateway import Card
from services.delivery.records import (
    ENQUEUE_CHUNK,
    PROGRESS_PURPOSE,
    BroadcastProgress,
    CardFactory,
    initial_progress,
    progress_of,
    work_for,
)
from services.delivery.sending import person_partitions
from services.errors import InvalidInput, NotAllowed, NotFound
from storage.db import transaction
from storage.models import Broadcast, Delivery
from storage.repositories import deliveries as delivery_repo


def broadcast_lanes(rate_per_second: int, conversation_rate_per_second: int) -> int:
    """How many lanes (partition keys) one broadcast's sends are spread over.

    A broadcast's sends go through the broadcast queue, which has no partitions
    (``engine.BROADCAST_QUEUE_NAME``): its key only marks the work as a broadcast's and gives an
    update of a message still queued the same key, so it follows it there. The lanes date from
    when the sends shared the partitioned queue (DBOS serves one partition at a time per poll,
    so a few lanes gave the limiter room); they cost nothing and spread the keys, so they stay.
    """
    needed = -(-rate_per_second // conversation_rate_per_second)
    return max(1, 4 * needed)


def broadcast_lane(broadcast_id: int, index: int, lanes: int) -> str:
    """The partition key of the ``index``-th recipient's send (round robin over the lanes)."""
    return f"{BROADCAST_PARTITION_PREFIX}{broadcast_id}:lane:{index % lanes}"


class Broadcasts:
    """Starts, reports on, cancels and resends broadcasts; queues their progress refreshes."""

    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, queue: WorkQueue, lanes: int
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._queue = queue
        self._lanes = lanes

    async def start(
        self,
        sender_person_id: int | None,
        recipients: Sequence[int],
        card: Card | CardFactory,
        *,
        title: str,
        purpose: str = "broadcast",
    ) -> BroadcastProgress:
        """Send one card (or one per person, from a factory) to many people, with a progress card
        for the sender (when given) that updates itself. Returns at once; the sends are queued."""
        people = list(dict.fromkeys(recipients))
        if not people:
            raise InvalidInput(text.NO_RECIPIENTS)
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = Broadcast(title=title[:200], purpose=purpose, sender_person_id=sender_person_id)
            broadcast.total = len(people)
            session.add(broadcast)
            await session.flush()
            rows = [
                Delivery(
                    purpose=purpose,
                    broadcast_id=broadcast.id,
                    person_id=person_id,
                    partition_key=broadcast_lane(broadcast.id, index, self._lanes),
                    card=card(person_id) if callable(card) else card,
                    dedupe_key=f"broadcast:{broadcast.id}:person:{person_id}",
                    created_at=now,
                )
                for index, person_id in enumerate(people)
            ]
            session.add_all(rows)
            progress_row = None
            if sender_person_id is not None:
                progress_row = Delivery(
                    purpose=PROGRESS_PURPOSE,
                    person_id=sender_person_id,
                    partition_key=(await person_partitions(session, [sender_person_id]))[sender_person_id],
                    card=initial_progress(broadcast, len(people)).card(),
                    created_at=now,
                )
                session.add(progress_row)
                await session.flush()
                broadcast.progress_delivery_id = progress_row.id
            await session.flush()
            broadcast_id = broadcast.id
        if progress_row is not None:
            # The progress card goes first; its run releases the recipients' sends when it ends
            # (the queue picks partitions in no particular order, so enqueueing all at once could
            # show the sender their card after half the recipients had theirs).
            await self._queue.enqueue(work_for(progress_row))
        else:
            await self.release(broadcast_id)
        return await self.progress(broadcast_id)

    async def release(self, broadcast_id: int) -> None:
        """Enqueue every queued send of a broadcast (idempotent: known runs are not repeated)."""
        after = 0
        while True:
            async with self._sessions() as session:
                rows = await delivery_repo.queued(
                    session, after_id=after, limit=ENQUEUE_CHUNK, broadcast_id=broadcast_id
                )
            if not rows:
                return
            after = rows[-1].id
            await self._queue.enqueue_many([work_for(row) for row in rows])

    async def release_after_progress_card(self, progress_delivery_id: int) -> None:
        """The sender's progress card has had its run: release the broadcast it belongs to."""
        async with self._sessions() as session:
            broadcast_id = await delivery_repo.broadcast_of_progress_card(session, progress_delivery_id)
        if broadcast_id is not None:
            await self.release(broadcast_id)

    async def progress(self, broadcast_id: int) -> BroadcastProgress:
        async with self._sessions() as session:
            broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
            if broadcast is None:
                raise NotFound(text.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
            counts = await delivery_repo.status_counts(session, broadcast_id)
        return progress_of(broadcast, counts)

    async def cancel(self, broadcast_id: int, *, actor_id: int | None = None) -> BroadcastProgress:
        """Stop a broadcast: nothing still queued is sent. ``actor_id`` (a qop person id) must be the sender
        (None = an operator at the command line)."""
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = await _own_broadcast(session, broadcast_id, actor_id)
            cancelled = await delivery_repo.cancel_queued(session, broadcast_id, now=now)
            if broadcast.status == "running":
                broadcast.status = "cancelled"
                broadcast.cancelled_at = now
            created = {d.id: d.created_at for d in await delivery_repo.by_ids(session, [i for i, _ in cancelled])}
        # The rows are already cancelled (a run that starts anyway does nothing); cancelling the
        # workflows too frees their rate-limit slots for other sends.
        workflow_ids = [delivery_workflow_id(i, created[i], generation) for i, generation in cancelled]
        for start in range(0, len(workflow_ids), ENQUEUE_CHUNK):
            await self._queue.cancel(workflow_ids[start : start + ENQUEUE_CHUNK])
        await self.enqueue_progress_refresh(broadcast_id)
        return await self.progress(broadcast_id)

    async def resend_failed(self, broadcast_id: int, *, actor_id: int | None = None) -> BroadcastProgress:
        """Queue the failed sends of a broadcast again (not the blocked, cancelled or sent ones)."""
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = await _own_broadcast(session, broadcast_id, actor_id)
            requeued = await delivery_repo.requeue_failed(session, broadcast_id, now=now)
            if requeued and broadcast.status == "finished":
                broadcast.status = "running"
                broadcast.finished_at = None
            rows = await delivery_repo.by_ids(session, [i for i, _, _ in requeued])
        await self._queue.enqueue_many([work_for(row) for row in rows])
        await self.enqueue_progress_refresh(broadcast_id)
        return await self.progress(broadcast_id)

    async def enqueue_progress_refresh(self, broadcast_id: int) -> None:
        """Queue a repaint of the sender's progress card (if the broadcast has one)."""
        async with self._sessions() as session:
            broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
            card_delivery = (
                await delivery_repo.get(session, broadcast.progress_delivery_id)
                if broadcast and broadcast.progress_delivery_id
                else None
            )
        if card_delivery is None:
            return
        # A refresh shows the numbers at the moment it runs, so any two are interchangeable:
        # a random id is fine (and a repeated one after a crash only repaints the same card).
        await self._queue.enqueue(
            QueuedWork(
                PROGRESS_WORKFLOW,
                f"qop-progress-{broadcast_id}-{uuid.uuid4().hex}",
                card_delivery.partition_key,
                (broadcast_id,),
            )
        )


async def _own_broadcast(session: AsyncSession, broadcast_id: int, actor_id: int | None) -> Broadcast:
    broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
    if broadcast is None:
        raise NotFound(text.NO_SUCH_BROADCAST.format(broadcast_id=broadcast_id))
    if actor_id is not None and broadcast.sender_person_id != actor_id:
        raise NotAllowed(text.NOT_YOUR_BROADCAST)
    return broadcast
