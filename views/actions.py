"""Actions as cards and reports see them: plain data with the derived status."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class ActionStatus(enum.StrEnum):
    """Stored status is open, done or cancelled; overdue is derived (open and past its due date)
    so it can never disagree with the date. ``Action.status_on(today)`` gives all four."""

    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class EscalationAudience(enum.StrEnum):
    """Who an escalation goes to: the owner's line manager, a senior manager of their area, the QA lead."""

    TEAM = "team"
    AREA = "area"
    QA = "qa"


@dataclass(frozen=True)
class PersonChoice:
    """Someone a manager can give an action to."""

    id: int
    name: str


@dataclass(frozen=True)
class ProposalView:
    """A proposed new due date for an action and what became of it (pending, approved, declined, changed)."""

    id: int
    action_id: int
    previous_due_date: date
    proposed_due_date: date
    reason: str
    proposed_by_id: int
    decision: str


@dataclass(frozen=True)
class ActionView:
    """An action as cards and reports see it: plain data, with the derived status."""

    id: int
    source: str
    source_ref: str | None
    description: str
    case_reference: str | None
    owner_id: int
    owner_name: str
    manager_id: int | None
    due_date: date
    status: ActionStatus
    completion_evidence: str | None
    completed_at: datetime | None
    impact_answer: str | None
    impact_more_asked: bool
    impact_more_asked_note: str | None
    pending_proposal: ProposalView | None = None

    @property
    def is_closed(self) -> bool:
        return self.status in (ActionStatus.DONE, ActionStatus.CANCELLED)
