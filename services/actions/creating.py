"""Creating an action inside the caller's own transaction, from any source.

How other features create actions (audits, surveys, QIM, practice days)::

    from services.actions import NewAction, add_action
    from storage.models import ActionSource

    # inside your own transaction, so the audit and its actions are stored together:
    action = await add_action(
        session,
        NewAction(
            source=ActionSource.AUDIT,
            source_ref=f"audit:{audit.id}",
            description="Update the child's plan with the family's own safety goal",
            owner_id=practitioner.id,
            due_date=date(2026, 3, 20),
            case_reference="LCS123456",
        ),
        created_by_id=auditor.id,
        now=clock.now(),
    )

or, outside a transaction, ``await services.actions.create(NewAction(...), actor_id=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_actions as text
from services.actions.fields import MAX_DESCRIPTION, clean_text, source_of
from services.actions.story import record_event
from services.errors import InvalidInput
from storage.models import Action, ActionEventKind, ActionSource, Person
from views.actions import ActionStatus


@dataclass(frozen=True)
class NewAction:
    """What is needed to create an action, from any source."""

    source: ActionSource | str
    description: str
    owner_id: int
    due_date: date
    source_ref: str | None = None
    case_reference: str | None = None


async def add_action(
    session: AsyncSession, new: NewAction, *, created_by_id: int | None, now: datetime, today: date | None = None
) -> Action:
    """Create an action inside the caller's transaction (audits use this to store both at once).

    Raises:
        InvalidInput: no description, an unknown source or owner, or a due date in the past.
    """
    description = clean_text(new.description, "description", text.WHAT_MUST_HAPPEN, limit=MAX_DESCRIPTION)
    source = source_of(new.source)
    owner = await session.get(Person, new.owner_id)
    if owner is None or not owner.active:
        raise InvalidInput(text.OWNER_UNKNOWN, {"owner": text.CHOOSE_COLLEAGUE})
    if today is not None and new.due_date < today:
        raise InvalidInput(text.DUE_IN_PAST, {"due_date": text.CHOOSE_TODAY_OR_LATER})
    action = Action(
        source=source.value,
        source_ref=(new.source_ref or "").strip() or None,
        description=description,
        case_reference=(new.case_reference or "").strip().upper() or None,
        owner_id=owner.id,
        created_by_id=created_by_id,
        due_date=new.due_date,
        status=ActionStatus.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    await session.flush()
    await record_event(session, action, ActionEventKind.CREATED, actor_id=created_by_id, now=now, source=source.value)
    return action
