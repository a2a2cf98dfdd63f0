"""The append-only access log: who viewed, submitted, changed or exported what.

Every feature writes through ``record`` inside the transaction that does the work, so a change
and its log entry are committed (or rolled back) together. Nothing updates or deletes entries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import policy
from services.actors import Actor
from storage.db import transaction
from storage.models import AccessLogEntry, Person

VIEW = "view"
SUBMIT = "submit"
CHANGE = "change"
EXPORT = "export"
ROLE_ADDED = "role added"
ROLE_REMOVED = "role removed"
IMPORT = "import"
LINK = "link"
REFUSED = "refused"

ActorRef = Actor | Person | int | None
"""Whoever acted: an ``Actor``, a ``Person``, a person id, or None for the command line / a job."""


async def record(
    session: AsyncSession,
    actor: ActorRef,
    action: str,
    record_type: str,
    record_id: str | int | None,
    detail: dict[str, Any] | None = None,
    *,
    summary: str = "",
) -> AccessLogEntry:
    """Append one entry. ``detail`` is JSON (ids and short facts, never children's details)."""
    entry = AccessLogEntry(
        actor_id=_actor_id(actor),
        action=action[:32],
        record_type=record_type[:64],
        record_id=None if record_id is None else str(record_id)[:64],
        detail=detail or {},
        summary=summary,
    )
    session.add(entry)
    await session.flush()
    return entry


async def require_logged(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    permission: policy.Permission,
    record_context: policy.RecordContext,
    *,
    record_type: str,
    record_id: str | int | None = None,
    detail: dict[str, Any],
    summary: str,
) -> None:
    """``policy.require``; a refusal is written to the access log first, in its own transaction
    (so it stays when the refusal rolls the caller's work back)."""
    if policy.allows(actor, permission, record_context):
        return
    async with transaction(sessions) as session:
        await record(session, actor, REFUSED, record_type, record_id, detail, summary=summary)
    policy.require(actor, permission, record_context)


def _actor_id(actor: ActorRef) -> int | None:
    if actor is None or isinstance(actor, int):
        return actor
    if isinstance(actor, Actor):
        return actor.person_id
    return actor.id
