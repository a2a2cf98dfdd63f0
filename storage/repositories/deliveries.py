"""Queries about deliveries (one outbound operation each) and broadcasts (many sends)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, Conversation, ConversationKind, Delivery, DeliveryOperation, DeliveryStatus


async def get(session: AsyncSession, delivery_id: int) -> Delivery | None:
    return await session.get(Delivery, delivery_id)


async def by_dedupe_key(session: AsyncSession, dedupe_key: str) -> Delivery | None:
    return await session.scalar(select(Delivery).where(Delivery.dedupe_key == dedupe_key))


async def get_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def status_counts(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """How many of a broadcast's sends stand in each status (the progress card's numbers)."""
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.broadcast_id == broadcast_id, Delivery.operation == DeliveryOperation.SEND.value)
        .group_by(Delivery.status)
    )
    return {status: count for status, count in rows.all()}


async def queued(
    session: AsyncSession, *, after_id: int, limit: int, broadcast_id: int | None = None
) -> list[Delivery]:
    """Queued deliveries (of one broadcast, when given) in id order, a page after ``after_id``."""
    query = select(Delivery).where(Delivery.status == DeliveryStatus.QUEUED.value, Delivery.id > after_id)
    if broadcast_id is not None:
        query = query.where(Delivery.broadcast_id == broadcast_id)
    return list(await session.scalars(query.order_by(Delivery.id).limit(limit)))


async def broadcast_of_progress_card(session: AsyncSession, progress_delivery_id: int) -> int | None:
    """The broadcast whose progress card is this delivery, if any."""
    return await session.scalar(select(Broadcast.id).where(Broadcast.progress_delivery_id == progress_delivery_id))


async def cancel_queued(session: AsyncSession, broadcast_id: int, *, now: datetime) -> list[tuple[int, int]]:
    """Mark a broadcast's queued sends cancelled; returns (id, generation) of those cancelled."""
    rows = await session.execute(
        select(Delivery.id, Delivery.generation).where(
            Delivery.broadcast_id == broadcast_id, Delivery.status == DeliveryStatus.QUEUED.value
        )
    )
    cancelled = [(row[0], row[1]) for row in rows.all()]
    await session.execute(
        update(Delivery)
        .where(Delivery.broadcast_id == broadcast_id, Delivery.status == DeliveryStatus.QUEUED.value)
        .values(status=DeliveryStatus.CANCELLED.value, reason="Cancelled by the sender.", updated_at=now)
    )
    return cancelled


async def requeue_failed(session: AsyncSession, broadcast_id: int, *, now: datetime) -> list[tuple[int, int, str]]:
    """Put a broadcast's failed sends back in the queue as a new generation; returns the new work."""
    failed = list(
        await session.scalars(
            select(Delivery).where(
                Delivery.broadcast_id == broadcast_id,
                Delivery.status == DeliveryStatus.FAILED.value,
                Delivery.operation == DeliveryOperation.SEND.value,
            )
        )
    )
    for delivery in failed:
        delivery.status = DeliveryStatus.QUEUED.value
        delivery.generation += 1
        delivery.attempts = 0
        delivery.reason = None
        delivery.updated_at = now
    await session.flush()
    return [(d.id, d.generation, d.partition_key) for d in failed]


async def claim_progress_refresh(session: AsyncSession, broadcast_id: int, *, now: datetime, every: float) -> bool:
    """True for exactly one caller per interval, across instances (a compare-and-set on the row)."""
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            or_(Broadcast.progress_shown_at.is_(None), Broadcast.progress_shown_at <= now - timedelta(seconds=every)),
        )
        .values(progress_shown_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def claim_finish(session: AsyncSession, broadcast_id: int, *, now: datetime) -> bool:
    """Mark a running broadcast finished when nothing of it is queued; True for the one caller that did."""
    still_queued = (
        select(Delivery.id)
        .where(Delivery.broadcast_id == broadcast_id, Delivery.status == DeliveryStatus.QUEUED.value)
        .exists()
    )
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "running", ~still_queued)
        .values(status="finished", finished_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Delivery]:
    return list(await session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)))


async def for_broadcast(session: AsyncSession, broadcast_id: int, *, status: str | None = None) -> list[Delivery]:
    query = select(Delivery).where(Delivery.broadcast_id == broadcast_id).order_by(Delivery.id)
    if status is not None:
        query = query.where(Delivery.status == status)
    return list(await session.scalars(query))


# -- where deliveries go ---------------------------------------------------------------------


async def personal_chat_ids(session: AsyncSession, people: Sequence[int]) -> dict[int, str]:
    """Teams' conversation id of each person's 1:1 chat with qop, for those who have one."""
    rows = await session.execute(
        select(Conversation.person_id, Conversation.conversation_id).where(
            Conversation.person_id.in_(people), Conversation.kind == ConversationKind.PERSONAL.value
        )
    )
    return {person_id: conversation_id for person_id, conversation_id in rows.all()}


def personal_chat_first(query: Select[Any], chat: Any, person_id: Any) -> Select[Any]:
    """``query`` over ``chat`` (``Conversation`` or an alias of it) narrowed to ``person_id``'s
    1:1 chat with qop: an installed one first, then the most recently updated. ``person_id`` may
    be a column, for a correlated subquery."""
    return (
        query.where(chat.person_id == person_id, chat.kind == ConversationKind.PERSONAL.value)
        .order_by(chat.installed.desc(), chat.updated_at.desc())
        .limit(1)
    )


async def newest_personal_chat(session: AsyncSession, person_id: int) -> Conversation | None:
    """A person's 1:1 chat with qop (``personal_chat_first``)."""
    return await session.scalar(personal_chat_first(select(Conversation), Conversation, person_id))


async def any_installed_conversation(session: AsyncSession) -> Conversation | None:
    """Where to take a service URL, tenant and bot id from when starting a new 1:1 chat."""
    return await session.scalar(
        select(Conversation).where(Conversation.installed.is_(True)).order_by(Conversation.updated_at.desc()).limit(1)
    )


async def posted_sends(
    session: AsyncSession, purpose: str, *, dedupe_key: str, dedupe_key_prefix: str, limit: int
) -> list[int]:
    """The newest sends of ``purpose`` still queued or sent whose dedupe key is ``dedupe_key`` or
    starts with ``dedupe_key_prefix``: the messages of one thing posted more than once."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.purpose == purpose,
            Delivery.operation == DeliveryOperation.SEND.value,
            Delivery.status.in_([DeliveryStatus.QUEUED.value, DeliveryStatus.SENT.value]),
            or_(Delivery.dedupe_key == dedupe_key, Delivery.dedupe_key.startswith(dedupe_key_prefix, autoescape=True)),
        )
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))
