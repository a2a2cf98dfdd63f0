"""``DeliveryService``: the one way qop sends, updates or deletes anything in Teams.

See the package docstring (``services/delivery/__init__.py``) for the public API. This
module holds both halves: the caller side (record a delivery, enqueue its durable run) and
the worker side (``perform``: resolve the conversation, call Teams with the retry policy,
record what happened), which the DBOS workflows in ``engine.py`` call.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import delivery as delivery_cards
from qop.settings import Settings
from services.clock import Clock
from services.delivery.engine import (
    PROGRESS_WORKFLOW,
    RUN_WORKFLOW,
    QueuedWork,
    WorkQueue,
    delivery_workflow_id,
)
from services.delivery.gateway import (
    Blocked,
    Card,
    ConversationAddress,
    ConversationGone,
    GatewayError,
    TeamsGateway,
)
from services.delivery.retry import RetryPolicy
from services.errors import InvalidInput, NotAllowed, NotFound
from storage.db import transaction
from storage.models import (
    Broadcast,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryOperation,
    DeliveryStatus,
    Person,
)
from storage.repositories import conversations as conversation_repo
from storage.repositories import deliveries as delivery_repo

logger = logging.getLogger(__name__)

T = TypeVar("T")
CardFactory = Callable[[int], Card]
"""Builds the card for one recipient (by person id) when a broadcast is personalised."""

ENQUEUE_CHUNK = 500


def broadcast_lanes(settings: Settings) -> int:
    """How many queue partitions one broadcast's sends are spread over.

    A broadcast sends one message into each recipient's conversation, so the per-conversation
    limit never binds there; what binds is DBOS's way of serving a partitioned queue, one
    partition at a time per poll (with one partition per recipient, 5,000 recipients ran at
    ~15/s). A few lanes, each at most the per-conversation rate with one send in flight, give
    the global limiter room to reach its full rate. Four times the lanes the rates alone need:
    a lane waits for its send to finish and for the next poll, so each runs well below 6/s
    (bench/broadcast on 2 cores, 1,000 recipients: 16 lanes 75 %, 32 lanes 80 %, 64 lanes 83 %
    of the tenant limit; 32 with the other changes, 5,000 recipients: 88 %).
    """
    needed = -(-settings.delivery_rate_per_second // settings.delivery_conversation_rate_per_second)
    return max(1, 4 * needed)


def broadcast_lane(broadcast_id: int, index: int, lanes: int) -> str:
    """The partition key of the ``index``-th recipient's send (round robin over the lanes)."""
    return f"broadcast:{broadcast_id}:lane:{index % lanes}"


PROGRESS_PURPOSE = "broadcast-progress"
NOT_YET_SENT_WAITS = 12


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


class _Outcome(Exception):
    """Internal: a delivery ends without (further) calls to Teams. ``conversation_gone`` also
    marks the conversation uninstalled (404); a BLOCKED status marks it blocked (403)."""

    def __init__(self, status: DeliveryStatus, reason: str, *, conversation_gone: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.conversation_gone = conversation_gone


class DeliveryService:
    """Durable, rate-limited, accounted-for sends to Teams. See the package docstring."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        queue: WorkQueue,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._queue = queue
        self._policy = policy or RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            base_seconds=settings.delivery_backoff_base_seconds,
            max_seconds=settings.delivery_backoff_max_seconds,
        )
        self._sleep = sleep
        self._gateway: TeamsGateway | None = None

    # -- wiring (composition root) -------------------------------------------------------------

    def attach_gateway(self, gateway: TeamsGateway | None) -> None:
        """The Teams side; set by the app at start-up (only the worker side needs it)."""
        self._gateway = gateway

    @property
    def queue(self) -> WorkQueue:
        return self._queue

    # -- sending ---------------------------------------------------------------------------------

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
            target = await self._conversation(session, conversation)
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
            raise NotFound("That message is not known.")
        return DeliveryReceipt.of(delivery)

    # -- broadcasts ------------------------------------------------------------------------------

    async def start_broadcast(
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
            raise InvalidInput("A broadcast needs at least one recipient.")
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = Broadcast(title=title[:200], purpose=purpose, sender_person_id=sender_person_id)
            broadcast.total = len(people)
            session.add(broadcast)
            await session.flush()
            lanes = broadcast_lanes(self._settings)
            rows = [
                Delivery(
                    purpose=purpose,
                    broadcast_id=broadcast.id,
                    person_id=person_id,
                    partition_key=broadcast_lane(broadcast.id, index, lanes),
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
                    partition_key=(await self._person_partitions(session, [sender_person_id]))[sender_person_id],
                    card=_initial_progress(broadcast, len(people)).card(),
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
            await self._queue.enqueue(_work_for(progress_row))
        else:
            await self._release_broadcast(broadcast_id)
        return await self.progress(broadcast_id)

    async def _release_broadcast(self, broadcast_id: int) -> None:
        """Enqueue every queued send of a broadcast (idempotent: known runs are not repeated)."""
        after = 0
        while True:
            async with self._sessions() as session:
                rows = list(
                    await session.scalars(
                        select(Delivery)
                        .where(
                            Delivery.broadcast_id == broadcast_id,
                            Delivery.status == DeliveryStatus.QUEUED.value,
                            Delivery.id > after,
                        )
                        .order_by(Delivery.id)
                        .limit(ENQUEUE_CHUNK)
                    )
                )
            if not rows:
                return
            after = rows[-1].id
            await self._queue.enqueue_many([_work_for(row) for row in rows])

    async def progress(self, broadcast_id: int) -> BroadcastProgress:
        async with self._sessions() as session:
            broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
            if broadcast is None:
                raise NotFound(f"There is no broadcast B{broadcast_id}.")
            counts = await delivery_repo.status_counts(session, broadcast_id)
        return _progress_of(broadcast, counts)

    async def cancel_broadcast(self, broadcast_id: int, *, by_person_id: int | None = None) -> BroadcastProgress:
        """Stop a broadcast: nothing still queued is sent. ``by_person_id`` must be the sender
        (None = an operator at the command line)."""
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = await self._own_broadcast(session, broadcast_id, by_person_id)
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
        await self._enqueue_progress_refresh(broadcast_id)
        return await self.progress(broadcast_id)

    async def resend_failed(self, broadcast_id: int, *, by_person_id: int | None = None) -> BroadcastProgress:
        """Queue the failed sends of a broadcast again (not the blocked, cancelled or sent ones)."""
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            broadcast = await self._own_broadcast(session, broadcast_id, by_person_id)
            requeued = await delivery_repo.requeue_failed(session, broadcast_id, now=now)
            if requeued and broadcast.status == "finished":
                broadcast.status = "running"
                broadcast.finished_at = None
            rows = await delivery_repo.by_ids(session, [i for i, _, _ in requeued])
        await self._queue.enqueue_many([_work_for(row) for row in rows])
        await self._enqueue_progress_refresh(broadcast_id)
        return await self.progress(broadcast_id)

    # -- recovery --------------------------------------------------------------------------------

    async def requeue_orphans(self) -> int:
        """Enqueue queued deliveries DBOS has never heard of (a crash between our commit and the
        enqueue). Safe to run on every instance at any time: enqueueing is idempotent."""
        found, after = 0, 0
        while True:
            async with self._sessions() as session:
                rows = list(
                    await session.scalars(
                        select(Delivery)
                        .where(Delivery.status == DeliveryStatus.QUEUED.value, Delivery.id > after)
                        .order_by(Delivery.id)
                        .limit(ENQUEUE_CHUNK)
                    )
                )
            if not rows:
                return found
            after = rows[-1].id
            works = {work.workflow_id: work for work in map(_work_for, rows)}
            missing = await self._queue.missing(list(works))
            await self._queue.enqueue_many([works[i] for i in works if i in missing])
            found += len(missing)

    # -- worker side (called by the DBOS workflows) ----------------------------------------------

    async def perform(self, delivery_id: int, generation: int) -> str:
        """Carry out one delivery: returns the status it ended in."""
        async with self._sessions() as session:
            delivery = await delivery_repo.get(session, delivery_id)
            if delivery is None or delivery.status != DeliveryStatus.QUEUED.value or delivery.generation != generation:
                return "skipped"
            job = await self._job_of(session, delivery)
        attempts = 0

        async def still_wanted() -> bool:
            async with self._sessions() as session:
                current = await delivery_repo.get(session, delivery_id)
            return current is not None and current.status == DeliveryStatus.QUEUED.value

        def count_attempt() -> None:
            nonlocal attempts
            attempts += 1

        gone = False
        try:
            message_id = await self._carry_out(job, still_wanted, count_attempt)
            status, reason = DeliveryStatus.SENT, None
        except _Outcome as outcome:
            status, reason, message_id, gone = outcome.status, outcome.reason, None, outcome.conversation_gone
        except GatewayError as error:
            status, reason, message_id = DeliveryStatus.FAILED, error.reason, None
        if status is DeliveryStatus.CANCELLED:
            return status.value  # cancelled meanwhile: the canceller already recorded it
        refresh_due = await self._record(job, status, reason, message_id, attempts, conversation_gone=gone)
        if status is not DeliveryStatus.SENT:
            logger.info("delivery %s (%s) ended %s: %s", delivery_id, job.purpose, status.value, reason)
        if job.broadcast_id is not None and (await self._claim_finish(job.broadcast_id) or refresh_due):
            await self._enqueue_progress_refresh(job.broadcast_id)
        if job.purpose == PROGRESS_PURPOSE:
            await self._release_broadcast_of_progress_card(delivery_id)
        return status.value

    async def refresh_progress(self, broadcast_id: int) -> str:
        """Update the sender's progress card in place with the current numbers."""
        for wait in range(NOT_YET_SENT_WAITS):
            async with self._sessions() as session:
                broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
                if broadcast is None or broadcast.progress_delivery_id is None:
                    return "no progress card"
                card_delivery = await delivery_repo.get(session, broadcast.progress_delivery_id)
                if card_delivery is None or card_delivery.status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENT):
                    return "the progress card was not delivered"
                if card_delivery.status == DeliveryStatus.SENT.value:
                    progress = _progress_of(broadcast, await delivery_repo.status_counts(session, broadcast_id))
                    conversation = await self._conversation_of(session, card_delivery)
                    break
            await self._sleep(min(0.2 * 2.0**wait, 30.0))  # the card itself is still on its way
        else:
            return "the progress card is still queued"
        assert conversation is not None and card_delivery.message_id is not None
        address, message_id = _address(conversation), card_delivery.message_id
        await self._with_retries(
            lambda: self._require_gateway().update_activity(address, message_id, card=progress.card()),
            _always_wanted,
            lambda: None,
        )
        return progress.summary

    # -- internals: caller side ------------------------------------------------------------------

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
                raise NotFound("That person is not known to qop.")
            if broadcast_id is not None:
                broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
                if broadcast is None:
                    raise NotFound(f"There is no broadcast B{broadcast_id}.")
                broadcast.total += 1
            partitions = await self._person_partitions(session, [person_id])
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
                conversation = await self._conversation(session, message.conversation_id)
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
                raise NotFound("That message is not known.")
            return Delivery(
                operation=operation.value,
                purpose=purpose,
                person_id=original.person_id,
                conversation_pk=original.conversation_pk,
                partition_key=await self._follow_up_partition(session, original),
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
            work = _work_for(delivery)
        if receipt.status == DeliveryStatus.QUEUED.value:
            await self._queue.enqueue(work)  # idempotent: a second enqueue of the same run is ignored
        return receipt

    async def _follow_up_partition(self, session: AsyncSession, original: Delivery) -> str:
        """Where an update or delete of ``original`` queues: behind the original while it is still
        queued (so it cannot overtake it), else in the conversation's own partition (a broadcast's
        lane may still hold thousands of sends, and the user who just pressed a button should not
        wait for them)."""
        if original.status == DeliveryStatus.QUEUED.value or original.conversation_pk is None:
            return original.partition_key
        conversation = await session.get(Conversation, original.conversation_pk)
        return conversation.conversation_id if conversation is not None else original.partition_key

    async def _person_partitions(self, session: AsyncSession, people: Sequence[int]) -> dict[int, str]:
        """The queue partition of each person: their 1:1 chat's id when known (so the per-conversation
        limit is shared with everything else sent there), else a key of their own."""
        rows = await session.execute(
            select(Conversation.person_id, Conversation.conversation_id).where(
                Conversation.person_id.in_(people), Conversation.kind == ConversationKind.PERSONAL.value
            )
        )
        known = {person_id: conversation_id for person_id, conversation_id in rows.all()}
        return {person_id: known.get(person_id, f"person:{person_id}") for person_id in people}

    async def _conversation(self, session: AsyncSession, conversation: int | str) -> Conversation:
        found = (
            await session.get(Conversation, conversation)
            if isinstance(conversation, int)
            else await conversation_repo.get(session, conversation)
        )
        if found is None:
            raise NotFound("qop is not installed in that conversation.")
        return found

    async def _own_broadcast(self, session: AsyncSession, broadcast_id: int, by_person_id: int | None) -> Broadcast:
        broadcast = await delivery_repo.get_broadcast(session, broadcast_id)
        if broadcast is None:
            raise NotFound(f"There is no broadcast B{broadcast_id}.")
        if by_person_id is not None and broadcast.sender_person_id != by_person_id:
            raise NotAllowed("Only the person who started this broadcast can change it.")
        return broadcast

    async def _enqueue_progress_refresh(self, broadcast_id: int) -> None:
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

    async def _release_broadcast_of_progress_card(self, progress_delivery_id: int) -> None:
        async with self._sessions() as session:
            broadcast_id = await session.scalar(
                select(Broadcast.id).where(Broadcast.progress_delivery_id == progress_delivery_id)
            )
        if broadcast_id is not None:
            await self._release_broadcast(broadcast_id)

    # -- internals: worker side ------------------------------------------------------------------

    def _require_gateway(self) -> TeamsGateway:
        if self._gateway is None:
            raise RuntimeError("no Teams gateway attached: deliveries run only inside the app")
        return self._gateway

    async def _job_of(self, session: AsyncSession, delivery: Delivery) -> _Job:
        conversation = None
        if delivery.operation == DeliveryOperation.SEND.value:
            conversation = await self._conversation_of(session, delivery)
        return _Job(
            delivery_id=delivery.id,
            operation=delivery.operation,
            purpose=delivery.purpose,
            broadcast_id=delivery.broadcast_id,
            person_id=delivery.person_id,
            card=delivery.card,
            text=delivery.text,
            conversation_pk=conversation.id if conversation is not None else None,
            address=_address(conversation) if conversation is not None else None,
            unreachable=_unreachable(conversation) if conversation is not None else None,
        )

    async def _carry_out(
        self, job: _Job, still_wanted: Callable[[], Awaitable[bool]], count_attempt: Callable[[], None]
    ) -> str | None:
        gateway = self._require_gateway()
        if job.operation == DeliveryOperation.SEND.value:
            address = await self._address_for_send(job, still_wanted, count_attempt)
            card, text = job.card, job.text
            return await self._with_retries(
                lambda: gateway.send_activity(address, card=card, text=text), still_wanted, count_attempt
            )
        address, message_id, card = await self._target_of_change(job.delivery_id)
        if job.operation == DeliveryOperation.UPDATE.value:
            assert card is not None
            await self._with_retries(
                lambda: gateway.update_activity(address, message_id, card=card), still_wanted, count_attempt
            )
        else:
            await self._with_retries(lambda: gateway.delete_activity(address, message_id), still_wanted, count_attempt)
        return message_id

    async def _address_for_send(
        self, job: _Job, still_wanted: Callable[[], Awaitable[bool]], count_attempt: Callable[[], None]
    ) -> ConversationAddress:
        if job.address is not None:
            if job.unreachable is not None:
                raise job.unreachable
            return job.address
        async with self._sessions() as session:
            person = await session.get(Person, job.person_id) if job.person_id else None
            origin = await _any_conversation(session)
        if person is None or not person.teams_user_id:
            raise _Outcome(DeliveryStatus.FAILED, "qop has never met this person in Teams (no Teams account is known).")
        if origin is None:
            raise _Outcome(DeliveryStatus.FAILED, "qop is not installed anywhere yet, so it cannot start a chat.")
        user_id, person_id = person.teams_user_id, person.id
        created = await self._with_retries(
            lambda: self._require_gateway().create_personal_conversation(
                service_url=origin.service_url, tenant_id=origin.tenant_id, bot_id=origin.bot_id, user_id=user_id
            ),
            still_wanted,
            count_attempt,
        )
        job.conversation_pk = await self._store_created_chat(person_id, created)
        return created

    async def _conversation_of(self, session: AsyncSession, delivery: Delivery) -> Conversation | None:
        if delivery.conversation_pk is not None:
            return await session.get(Conversation, delivery.conversation_pk)
        if delivery.person_id is not None:
            return await session.scalar(
                select(Conversation)
                .where(
                    Conversation.person_id == delivery.person_id,
                    Conversation.kind == ConversationKind.PERSONAL.value,
                )
                .order_by(Conversation.installed.desc(), Conversation.updated_at.desc())
                .limit(1)
            )
        return None

    async def _target_of_change(self, delivery_id: int) -> tuple[ConversationAddress, str, Card | None]:
        """Where the message to update or delete lives; waits (bounded) for its send to finish."""
        for wait in range(NOT_YET_SENT_WAITS):
            async with self._sessions() as session:
                change = await delivery_repo.get(session, delivery_id)
                assert change is not None
                target = (
                    await delivery_repo.get(session, change.target_delivery_id) if change.target_delivery_id else None
                )
                message_id = change.message_id or (target.message_id if target else None)
                conversation_pk = change.conversation_pk or (target.conversation_pk if target else None)
                conversation = await session.get(Conversation, conversation_pk) if conversation_pk else None
            if message_id and conversation is not None:
                _refuse_unreachable(conversation)
                return _address(conversation), message_id, change.card
            if target is None or target.status != DeliveryStatus.QUEUED.value:
                raise _Outcome(DeliveryStatus.FAILED, "The original message was never delivered, so it cannot change.")
            await self._sleep(min(0.2 * 2.0**wait, 30.0))
        raise _Outcome(DeliveryStatus.FAILED, "The original message is still waiting to be sent.")

    async def _with_retries(
        self,
        call: Callable[[], Awaitable[T]],
        still_wanted: Callable[[], Awaitable[bool]],
        count_attempt: Callable[[], None],
    ) -> T:
        """Call Teams; on 429/412/5xx/timeouts wait as the policy says and try again (bounded).
        Blocked and gone conversations are recorded on the conversation before giving up."""
        attempt = 0
        while True:
            attempt += 1
            count_attempt()
            try:
                return await call()
            except Blocked as error:
                raise _Outcome(DeliveryStatus.BLOCKED, BLOCKED_REASON) from error
            except ConversationGone as error:
                raise _Outcome(DeliveryStatus.FAILED, GONE_REASON, conversation_gone=True) from error
            except GatewayError as error:
                wait = self._policy.wait_before_retry(error, attempt)
                if wait is None:
                    raise
                logger.debug("Teams said %s; retrying in %.2fs (attempt %s)", error.reason, wait, attempt)
                await self._sleep(wait)
                if not await still_wanted():
                    raise _Outcome(DeliveryStatus.CANCELLED, "Cancelled by the sender.") from error

    async def _record(
        self,
        job: _Job,
        status: DeliveryStatus,
        reason: str | None,
        message_id: str | None,
        attempts: int,
        *,
        conversation_gone: bool = False,
    ) -> bool:
        """Store how the delivery ended, in one transaction with the conversation it used and, for a
        broadcast send, the claim on its progress refresh (whether it was the last send is decided
        after this commits: ``_claim_finish``). True when the progress card is due a refresh."""
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            delivery = await delivery_repo.get(session, job.delivery_id)
            assert delivery is not None
            if delivery.status != DeliveryStatus.QUEUED.value and status is not DeliveryStatus.SENT:
                return False  # cancelled while the last attempt was in flight
            # A message Teams accepted counts as sent even if the broadcast was cancelled meanwhile:
            # the record must say what the recipient actually got.
            delivery.status = status.value
            delivery.reason = reason
            delivery.attempts += attempts
            if job.conversation_pk is not None and delivery.conversation_pk is None:
                delivery.conversation_pk = job.conversation_pk
            if message_id and delivery.operation == DeliveryOperation.SEND.value:
                delivery.message_id = message_id
                delivery.sent_at = now
            if status is DeliveryStatus.BLOCKED or conversation_gone:
                await self._mark_unreachable(session, delivery, blocked=status is DeliveryStatus.BLOCKED, now=now)
            if delivery.broadcast_id is None:
                return False
            return await delivery_repo.claim_progress_refresh(
                session, delivery.broadcast_id, now=now, every=self._settings.delivery_progress_interval_seconds
            )

    async def _mark_unreachable(
        self, session: AsyncSession, delivery: Delivery, *, blocked: bool, now: datetime
    ) -> None:
        conversation = await self._conversation_of(session, delivery)
        if conversation is None:
            return
        if blocked:
            conversation.blocked_at = now
        else:
            conversation.installed = False
            conversation.uninstalled_at = now

    async def _claim_finish(self, broadcast_id: int) -> bool:
        """Mark the broadcast finished if nothing of it is queued any more; True for the one send
        (across instances) that did. Its own transaction, after the send's outcome is committed:
        checked inside that transaction, sends finishing at the same moment would each still see
        the others queued (uncommitted) and the broadcast would never finish. The last to commit
        always sees every other outcome."""
        async with transaction(self._sessions) as session:
            return await delivery_repo.claim_finish(session, broadcast_id, now=self._clock.now())

    async def _store_created_chat(self, person_id: int, created: ConversationAddress) -> int:
        async with transaction(self._sessions) as session:
            person = await session.get(Person, person_id)
            conversation = await conversation_repo.upsert(
                session,
                conversation_id=created.conversation_id,
                kind=ConversationKind.PERSONAL.value,
                service_url=created.service_url,
                bot_id=created.bot_id,
                tenant_id=created.tenant_id,
                teams_team_id=None,
                name=None,
                reference=created.reference,
                now=self._clock.now(),
                person=person,
                installed=None,
            )
            return conversation.id


BLOCKED_REASON = "The person has blocked qop in Teams (or removed it), so nothing more is sent to them."
GONE_REASON = "The conversation no longer exists in Teams (qop was removed or the chat was deleted)."


@dataclass
class _Job:
    """What one run of a delivery needs, read once at its start (few round trips per send)."""

    delivery_id: int
    operation: str
    purpose: str
    broadcast_id: int | None
    person_id: int | None
    card: Card | None
    text: str | None
    conversation_pk: int | None
    address: ConversationAddress | None
    unreachable: _Outcome | None


def _unreachable(conversation: Conversation) -> _Outcome | None:
    if conversation.blocked_at is not None:
        return _Outcome(DeliveryStatus.BLOCKED, BLOCKED_REASON)
    if not conversation.installed:
        return _Outcome(DeliveryStatus.FAILED, GONE_REASON)
    return None


def _refuse_unreachable(conversation: Conversation) -> None:
    outcome = _unreachable(conversation)
    if outcome is not None:
        raise outcome


def _address(conversation: Conversation) -> ConversationAddress:
    return ConversationAddress(
        service_url=conversation.service_url,
        conversation_id=conversation.conversation_id,
        bot_id=conversation.bot_id,
        tenant_id=conversation.tenant_id,
        reference=dict(conversation.reference or {}),
    )


async def _any_conversation(session: AsyncSession) -> Conversation | None:
    """Where to take a service URL, tenant and bot id from when starting a new 1:1 chat."""
    return await session.scalar(
        select(Conversation).where(Conversation.installed.is_(True)).order_by(Conversation.updated_at.desc()).limit(1)
    )


async def _always_wanted() -> bool:
    return True


def _work_for(delivery: Delivery) -> QueuedWork:
    return QueuedWork(
        RUN_WORKFLOW,
        delivery_workflow_id(delivery.id, delivery.created_at, delivery.generation),
        delivery.partition_key,
        (delivery.id, delivery.generation),
    )


def _initial_progress(broadcast: Broadcast, total: int) -> BroadcastProgress:
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


def _progress_of(broadcast: Broadcast, counts: dict[str, Any]) -> BroadcastProgress:
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
