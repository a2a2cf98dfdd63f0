"""An action's story: every change is told to the action's own events and to the access log, in the
caller's transaction, so neither can miss what the other recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import access_log
from storage.models import Action, ActionEvent, ActionEventKind

SUBMITTED_EVENTS = {ActionEventKind.CREATED, ActionEventKind.DONE, ActionEventKind.PROGRESS, ActionEventKind.IMPACT}
"""Events that are the owner's work (the access log's SUBMIT); every other event is a CHANGE."""


async def record_event(
    session: AsyncSession,
    action: Action,
    kind: ActionEventKind,
    *,
    actor_id: int | None,
    now: datetime,
    note: str = "",
    **detail: Any,
) -> None:
    """Add to the action's story and to the append-only access log, in the same transaction."""
    session.add(ActionEvent(action_id=action.id, at=now, actor_id=actor_id, kind=kind.value, note=note, detail=detail))
    verb = access_log.SUBMIT if kind in SUBMITTED_EVENTS else access_log.CHANGE
    await access_log.record(session, actor_id, verb, "action", action.id, {"event": kind.value, **detail})
