"""Read models of the Quality Improvement Meeting: its pack, decisions, service-level actions and
the owners' monthly assurance trail. Shared by ``cards.qim``, the QIM report and ``services.qim``."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from views.digest import Digest, Findings, MultiAgencySection
from views.improvement import ThemeCount
from views.measures import MeasureStatus

MAX_REFRESH_USERS = 60
"""Teams refreshes a card automatically for at most 60 named users (``PackView.refresh_user_ids``)."""


class Progress(enum.StrEnum):
    """Where a service-level action stands for the QIM: on track, late, done (or cancelled)."""

    ON_TRACK = "on track"
    LATE = "late"
    DONE = "done"
    CANCELLED = "cancelled"


class AssuredKind(enum.StrEnum):
    """What an owner's monthly update is about."""

    ACTION = "action"
    PRIORITY = "priority"


@dataclass(frozen=True)
class TrailEntry:
    """One step of the trail the QIM sees: an owner's monthly update, or completion evidence and impact."""

    kind: AssuredKind
    subject_id: int
    subject: str
    """The action's description or the priority's title."""
    month: str
    """``2026-05``: the month the update is about (for completion and impact: the month written)."""
    rag: str
    """green, amber, red; ``done`` for completion evidence, ``impact`` for the impact review."""
    note: str
    author: str
    written_on: date


@dataclass(frozen=True)
class ServiceActionView:
    """A service-level action (source QIM) as the pack shows it."""

    id: int
    description: str
    owner_name: str
    due_date: date
    progress: Progress
    impact_evidenced: bool
    latest_rag: str | None = None


@dataclass(frozen=True)
class PriorityProgress:
    """A plan priority as the pack shows it: milestones done and late, the owner's latest RAG."""

    id: int
    title: str
    owner_name: str
    status: str
    milestones_done: int
    milestones_total: int
    milestones_late: int
    latest_rag: str | None = None


@dataclass(frozen=True)
class DecisionChangeView:
    changed_by: str
    changed_at: datetime
    before: str
    after: str
    after_meeting: bool


@dataclass(frozen=True)
class DecisionView:
    id: int
    meeting_on: date
    text: str
    original_text: str
    recorded_by: str
    recorded_at: datetime
    changes: tuple[DecisionChangeView, ...] = ()

    @property
    def edited(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class MeetingView:
    id: int
    meeting_on: date
    report_period: str
    """The quarter the meeting reviews (the one before it): ``2026Q1`` for a meeting in April."""
    channel_name: str | None
    pack_posted: bool


@dataclass(frozen=True)
class PackView:
    """Everything the pack card shows; ``can_record`` shows the chair's buttons."""

    meeting: MeetingView
    digest: Digest
    findings: Findings
    priorities: tuple[PriorityProgress, ...] = ()
    actions: tuple[ServiceActionView, ...] = ()
    themes: tuple[ThemeCount, ...] = ()
    decisions: tuple[DecisionView, ...] = ()
    trail: tuple[TrailEntry, ...] = field(default_factory=tuple)
    measures: tuple[MeasureStatus, ...] = ()
    """The four questions per Meaningful Measure, for the quarter's last month (none: no measures file)."""
    multi_agency: MultiAgencySection | None = None
    """The quarter's multi-agency audits, as the QIM report has them (None: not looked up)."""
    can_record: bool = False
    refresh_user_ids: tuple[str, ...] = ()
    """Teams ids of the chair and the QA Head of Service: in a channel, their Teams clients ask qop
    for their own view of the card (with the chair's buttons); everyone else sees the card as posted."""

    def count(self, progress: Progress) -> int:
        return sum(1 for action in self.actions if action.progress == progress)


@dataclass(frozen=True)
class ServiceActionInput:
    """A service-level action as the chair raises it in the meeting (owner and due date required)."""

    description: str
    owner_email: str
    due_date: date | None
    priority_id: int | None = None


@dataclass(frozen=True)
class UpdateRequest:
    """What the monthly update card asks an owner about."""

    kind: AssuredKind
    subject_id: int
    subject: str
    month: str
    due_date: date | None = None
    previous: TrailEntry | None = None
