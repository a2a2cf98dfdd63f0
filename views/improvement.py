"""Read models of the continuous improvement plan, shared by its cards, the CLI and the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class MilestoneView:
    id: int
    description: str
    due_date: date
    done: bool
    late: bool
    """Not done and past its due date (in the organisation's local time)."""


@dataclass(frozen=True)
class LinkedActionView:
    """A service-level action (raised at the QIM) that delivers a priority."""

    id: int
    description: str
    owner_name: str
    due_date: date
    status: str
    """open, overdue, done or cancelled, as ``Action.status_on`` gives it."""
    impact_evidenced: bool


@dataclass(frozen=True)
class PriorityView:
    id: int
    title: str
    rationale: str
    owner_name: str
    owner_email: str
    impact_evidence: str
    status: str
    updated_at: datetime
    milestones: tuple[MilestoneView, ...] = ()
    actions: tuple[LinkedActionView, ...] = ()

    @property
    def next_milestone(self) -> MilestoneView | None:
        return next((m for m in self.milestones if not m.done), None)


@dataclass(frozen=True)
class PlanView:
    """The whole plan as one reader may see it; ``can_change`` shows the add and update buttons."""

    priorities: tuple[PriorityView, ...]
    can_change: bool = False


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class PlanChangeView:
    """One entry of a priority's history: who changed what, and when."""

    changed_at: datetime
    changed_by: str
    change: str
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PriorityChange:
    """A priority as the add / update card submits it; "" and () mean "not given".

    ``milestone`` with ``milestone_due`` adds one milestone; ``milestones_done`` marks milestones
    reached; ``action_ids`` links service-level actions (added to those already linked)."""

    title: str
    owner_email: str
    rationale: str = ""
    impact_evidence: str = ""
    status: str = ""
    milestone: str = ""
    milestone_due: date | None = None
    milestones_done: tuple[int, ...] = ()
    action_ids: tuple[int, ...] = ()


# -- learning from compliments and complaints; celebrating quality practice ----------------------


@dataclass(frozen=True)
class ClientFeedbackInput:
    """A compliment or complaint as client relations log it: a team, themes, a case reference at most."""

    kind: str
    team: str
    received_on: date | None
    themes: tuple[str, ...]
    case_reference: str = ""
    summary: str = ""


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    compliments: int
    complaints: int


@dataclass(frozen=True)
class ClientFeedbackView:
    id: int
    kind: str
    team: str
    received_on: date
    themes: tuple[str, ...]
    case_reference: str | None
    summary: str


@dataclass(frozen=True)
class PracticeExampleInput:
    """Practice a manager nominates to celebrate: anonymised, from an audit (its number) or an observation."""

    team: str
    source: str
    description: str
    source_ref: str = ""


@dataclass(frozen=True)
class PracticeExampleView:
    id: int
    team: str
    source: str
    description: str
    nominated_on: date
