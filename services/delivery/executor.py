"""The executor: what a delivery's durable run does (the DBOS workflows in ``engine.py`` call
``perform`` and ``refresh_progress``).

One run resolves the conversation (creating a 1:1 chat when none is known), calls Teams with
the retry policy and records the outcome in one transaction, together with the conversation it
used and, for a broadcast send, the claim on a progress refresh. Whether that send was the
broadcast's last is checked after the outcome is committed (``_record``), so of sends
finishing together the last to commit always sees every other outcome.

Once Teams has answered, the outcome is kept in the run until the database takes it: each write
that follows waits out a database that has gone away (``outage.py``) rather than ending the run,
which would start again and send the message a second time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from opentelemetry import trace
from sqlalchemy import Update, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services.clock import Clock
from services.delivery.broadcasts import Broadcasts
from services.delivery.engine import WorkQueue
from services.delivery.gateway import (
    Blocked,
    Card,
    ConversationAddress,
    ConversationGone,
    GatewayError,
    TeamsGateway,
    Throttled,
    TooLarge,
)
from services.delivery.outage import STEP_TIMEOUT_SECONDS, until_database_returns
from services.delivery.records import ENQUEUE_CHUNK, NOT_YET_SENT_WAITS, PROGRESS_PURPOSE, progress_of, work_for
from services.delivery.retry import RetryPolicy
from services.telemetry import deliveries_finished, teams_throttled
from storage.db import AUTOCOMMIT, transaction
from storage.models import Conversation, ConversationKind, Delivery, DeliveryOperation, DeliveryStatus, Person
from storage.repositories import conversations as conversation_repo
from storage.repositories import deliveries as delivery_repo

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

T = TypeVar("T")


class _Outcome(Exception):
    """Internal: a delivery ends without (further) calls to Teams. ``conversation_gone`` also
    marks the conversation uninstalled (404); a BLOCKED status marks it blocked (403)."""

    def __init__(self, status: DeliveryStatus, reason: str, *, conversation_gone: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.conversation_gone = conversation_gone


class Executor:
    """Carries out queued deliveries and progress refreshes against Teams."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        queue: WorkQueue,
        broadcasts: Broadcasts,
        policy: RetryPolicy,
        progress_interval_seconds: float,
        rate_per_second: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._queue = queue
        self._broadcasts = broadcasts
        self._policy = policy
        self._progress_interval_seconds = progress_interval_seconds
        self._send_spacing = 1.0 / rate_per_second
        self._next_call_at = 0.0
        """When this instance may next call Teams (``_pace``)."""
        self._progress_claims_tried: dict[int, datetime] = {}
        """When this instance last tried to claim each broadcast's progress refresh."""
        self._sleep = sleep
        self._gateway: TeamsGateway | None = None

    def attach_gateway(self, gateway: TeamsGateway | None) -> None:
        """The Teams side; set by the app at start-up (only runs need it)."""
        self._gateway = gateway

    async def perform(self, delivery_id: int, generation: int) -> str:
        """Carry out one delivery: returns the status it ended in (traced as one span)."""
        with tracer.start_as_current_span("qop.delivery.perform", kind=trace.SpanKind.CLIENT) as span:
            outcome = await self._perform(delivery_id, generation)
            span.set_attribute("qop.delivery.outcome", outcome)
            return outcome

    async def _perform(self, delivery_id: int, generation: int) -> str:
        # One round trip: the delivery with the conversation it goes to, outside a transaction
        # (a single read needs none, and BEGIN and ROLLBACK would be two more round trips).
        async with self._sessions() as session:
            await session.connection(execution_options=AUTOCOMMIT)
            found = (await session.execute(_DELIVERY_WITH_CONVERSATION, {"delivery_id": delivery_id})).first()
            if found is None:
                return "skipped"
            delivery, conversation = found
            if delivery.status != DeliveryStatus.QUEUED.value or delivery.generation != generation:
                return "skipped"
            job = _job_of(delivery, conversation)
        trace.get_current_span().set_attributes(
            {"qop.delivery.purpose": job.purpose, "qop.delivery.operation": job.operation}
        )
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
        _report(job, status, attempts)
        if status is DeliveryStatus.CANCELLED:
            return status.value  # cancelled meanwhile: the canceller already recorded it
        # From here on Teams may have the message: the outcome is kept in this run and each step
        # that writes it waits for the database (never ending the run, which would start again
        # and send again), so the call to Teams is never repeated.
        refresh_due, finished = await self._until_database_returns(
            lambda: self._record(job, status, reason, message_id, attempts, conversation_gone=gone)
        )
        if status is not DeliveryStatus.SENT:
            logger.info("delivery %s (%s) ended %s: %s", delivery_id, job.purpose, status.value, reason)
        if job.broadcast_id is not None and (finished or refresh_due):
            broadcast_id = job.broadcast_id
            await self._until_database_returns(lambda: self._broadcasts.enqueue_progress_refresh(broadcast_id))
        if job.purpose == PROGRESS_PURPOSE:
            await self._until_database_returns(lambda: self._broadcasts.release_after_progress_card(delivery_id))
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
                    progress = progress_of(broadcast, await delivery_repo.status_counts(session, broadcast_id))
                    conversation = await self._conversation_of(
                        session, card_delivery.conversation_pk, card_delivery.person_id
                    )
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

    async def requeue_orphans(self) -> int:
        """Enqueue queued deliveries DBOS has never heard of (a crash between our commit and the
        enqueue). Safe to run on every instance at any time: enqueueing is idempotent."""
        found, after = 0, 0
        while True:
            async with self._sessions() as session:
                rows = await delivery_repo.queued(session, after_id=after, limit=ENQUEUE_CHUNK)
            if not rows:
                return found
            after = rows[-1].id
            works = {work.workflow_id: work for work in map(work_for, rows)}
            missing = await self._queue.missing(list(works))
            await self._queue.enqueue_many([works[i] for i in works if i in missing])
            found += len(missing)

    # -- internals ----------------------------------------------------------------------------------

    async def _until_database_returns(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a step that writes a send's outcome; while the database is away, keep the outcome
        here and try again (1 s doubling to 30 s) until it takes it."""
        return await until_database_returns(
            call, paused="a sent message's outcome is held", sleep=self._sleep, attempt_timeout=STEP_TIMEOUT_SECONDS
        )

    def _require_gateway(self) -> TeamsGateway:
        if self._gateway is None:
            raise RuntimeError("no Teams gateway attached: deliveries run only inside the app")
        return self._gateway

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
            origin = await delivery_repo.any_installed_conversation(session)
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

    async def _conversation_of(
        self, session: AsyncSession, conversation_pk: int | None, person_id: int | None
    ) -> Conversation | None:
        """The conversation a delivery named, else its person's 1:1 chat with qop."""
        if conversation_pk is not None:
            return await session.get(Conversation, conversation_pk)
        if person_id is not None:
            return await delivery_repo.newest_personal_chat(session, person_id)
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
            await self._pace()
            try:
                return await call()
            except Blocked as error:
                _note_teams_error(error)
                raise _Outcome(DeliveryStatus.BLOCKED, BLOCKED_REASON) from error
            except ConversationGone as error:
                _note_teams_error(error)
                raise _Outcome(DeliveryStatus.FAILED, GONE_REASON, conversation_gone=True) from error
            except GatewayError as error:
                _note_teams_error(error)
                wait = self._policy.wait_before_retry(error, attempt)
                if wait is None:
                    raise
                logger.debug("Teams said %s; retrying in %.2fs (attempt %s)", error.reason, wait, attempt)
                await self._sleep(wait)
                if not await still_wanted():
                    raise _Outcome(DeliveryStatus.CANCELLED, "Cancelled by the sender.") from error

    async def _pace(self) -> None:
        """Space this instance's calls to Teams at least 1/rate apart. The queue's limiter lets a
        second's worth of sends start at once (a broadcast's queue claims them in one poll); sent
        in one burst, a burst started a little late meets the next second's at Teams, which
        counts any rolling second (a 5,000-recipient run got 511 429s). Spread out, they keep
        to the rate the limiter allows."""
        # Real time and a real sleep, not the injected ``sleep``: this spaces real HTTP calls,
        # while ``sleep`` stands for the retry policy's waits, which tests shorten.
        loop = asyncio.get_running_loop()
        now = loop.time()
        # Slots missed while the event loop was busy are made up, a few at most (``PACE_CATCH_UP``):
        # kept strictly, each delay would be lost for good (43/s instead of 45 at load 6).
        slot = max(self._next_call_at, now - PACE_CATCH_UP * self._send_spacing)
        self._next_call_at = slot + self._send_spacing
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _record(
        self,
        job: _Job,
        status: DeliveryStatus,
        reason: str | None,
        message_id: str | None,
        attempts: int,
        *,
        conversation_gone: bool = False,
    ) -> tuple[bool, bool]:
        """Store how the delivery ended, in one transaction with the conversation it used and, for a
        broadcast send, the claim on its progress refresh; then, for a broadcast send, whether it
        was the broadcast's last (after the commit: checked inside that
        transaction, sends finishing at the same moment would each still see the others queued
        (uncommitted) and the broadcast would never finish; the last to commit always sees every
        other outcome).
        Returns (the progress card is due a refresh, this send finished the broadcast).

        Safe to repeat (the step is tried again while the database is away): an outcome already
        recorded is not recorded again, and only the finish is claimed once more."""
        now = self._clock.now()
        async with self._sessions() as session:
            async with session.begin():
                recorded = await session.execute(
                    _record_outcome(job, status, reason, message_id, attempts, now=now), execution_options=ORM_UPDATE
                )
                written = recorded.first()
                # Nothing written: cancelled while the last attempt was in flight, or recorded
                # already (its commit went through but the answer was lost).
                refresh_due = False
                if written is not None:
                    conversation_pk = written[0]
                    if status is DeliveryStatus.BLOCKED or conversation_gone:
                        await self._mark_unreachable(
                            session, job, conversation_pk, blocked=status is DeliveryStatus.BLOCKED, now=now
                        )
                    if job.broadcast_id is not None:
                        refresh_due = await self._claim_progress_refresh(session, job.broadcast_id, now)
            if job.broadcast_id is None:
                return refresh_due, False
            # Committed; the finish claim is one statement and needs no transaction of its own.
            await session.connection(execution_options=AUTOCOMMIT)
            finished = await delivery_repo.claim_finish(session, job.broadcast_id, now=self._clock.now())
            return refresh_due, finished

    async def _claim_progress_refresh(self, session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
        """The compare-and-set on the broadcast row (one winner per interval across instances),
        skipped while this instance tried it less than an interval ago: a send every 20 ms would
        otherwise send an UPDATE that changes nothing 150 times per refresh."""
        interval = timedelta(seconds=self._progress_interval_seconds)
        tried_at = self._progress_claims_tried.get(broadcast_id)
        if tried_at is not None and now < tried_at + interval:
            return False
        # An entry an interval old decides nothing any more: forget those (finished broadcasts').
        self._progress_claims_tried = {b: t for b, t in self._progress_claims_tried.items() if now < t + interval}
        self._progress_claims_tried[broadcast_id] = now
        return await delivery_repo.claim_progress_refresh(
            session, broadcast_id, now=now, every=self._progress_interval_seconds
        )

    async def _mark_unreachable(
        self, session: AsyncSession, job: _Job, conversation_pk: int | None, *, blocked: bool, now: datetime
    ) -> None:
        conversation = await self._conversation_of(session, conversation_pk, job.person_id)
        if conversation is None:
            return
        if blocked:
            conversation.blocked_at = now
        else:
            conversation.installed = False
            conversation.uninstalled_at = now

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


PACE_CATCH_UP = 2
"""How many missed slots ``Executor._pace`` makes up at once (Teams allows 50/s, qop's rate is 45)."""
ORM_UPDATE = {"synchronize_session": False}

_chat = aliased(Conversation)
_DELIVERY_WITH_CONVERSATION = (
    select(Delivery, Conversation)
    .outerjoin(
        Conversation,
        # Only a send goes to a conversation of its own choosing: the one it names, else the
        # person's 1:1 chat (an installed one first, then the most recently updated).
        (Delivery.operation == DeliveryOperation.SEND.value)
        & (
            Conversation.id
            == func.coalesce(
                Delivery.conversation_pk,
                delivery_repo.personal_chat_first(select(_chat.id), _chat, Delivery.person_id)
                .correlate(Delivery)
                .scalar_subquery(),
            )
        ),
    )
    .where(Delivery.id == bindparam("delivery_id"))
)
"""A delivery and, for a send, the conversation it goes to, in one statement."""


def _record_outcome(
    job: _Job, status: DeliveryStatus, reason: str | None, message_id: str | None, attempts: int, *, now: datetime
) -> Update:
    """The UPDATE that records an outcome, returning the conversation the delivery used. It
    matches nothing when the outcome must not be written: a delivery no longer queued (cancelled
    while the last attempt was in flight), except that a message Teams accepted counts as sent
    even if it was cancelled meanwhile (the record must say what the recipient actually got),
    and never twice (a commit that went through but whose answer was lost)."""
    still_open = (
        Delivery.status != DeliveryStatus.SENT.value
        if status is DeliveryStatus.SENT
        else Delivery.status == DeliveryStatus.QUEUED.value
    )
    values: dict[str, Any] = {
        "status": status.value,
        "reason": reason,
        "attempts": Delivery.attempts + attempts,
        "updated_at": now,
    }
    if job.conversation_pk is not None:
        values["conversation_pk"] = func.coalesce(Delivery.conversation_pk, job.conversation_pk)
    if message_id and job.operation == DeliveryOperation.SEND.value:
        values["message_id"] = message_id
        values["sent_at"] = now
    return (
        update(Delivery)
        .where(Delivery.id == job.delivery_id, still_open)
        .values(values)
        .returning(Delivery.conversation_pk)
    )


def _job_of(delivery: Delivery, conversation: Conversation | None) -> _Job:
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


_STATUS_OF_ERROR: tuple[tuple[type[GatewayError], int], ...] = (
    (Throttled, 429),
    (Blocked, 403),
    (ConversationGone, 404),
    (TooLarge, 413),
)


def _note_teams_error(error: GatewayError) -> None:
    """Put what Teams answered on the send's span (the status code where the error kind implies
    one) and count 429s. Never the reason text: it may quote Teams' own message."""
    status = next((code for kind, code in _STATUS_OF_ERROR if isinstance(error, kind)), None)
    span = trace.get_current_span()
    span.set_attribute("qop.teams.error", type(error).__name__)
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    if isinstance(error, Throttled):
        teams_throttled.add(1)


def _report(job: _Job, status: DeliveryStatus, attempts: int) -> None:
    """Count the delivery's outcome and put it on its span."""
    trace.get_current_span().set_attribute("qop.delivery.attempts", attempts)
    deliveries_finished.add(1, {"outcome": status.value, "purpose": job.purpose, "operation": job.operation})


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


async def _always_wanted() -> bool:
    return True
