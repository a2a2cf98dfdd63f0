"""The dashboard as a read model: what one person may see of one scope (service, area, team or
their own work), built by ``services.dashboard`` and rendered by qop's dashboard page.

Counts that do not exist are absent, never 0; a measure figure with no data is ``None``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from views.measures import MeasuresOverview


class Level(enum.StrEnum):
    SERVICE = "service"
    AREA = "area"
    TEAM = "team"
    OWN = "own"
    """A practitioner's own work: their audits, feedback on their cases and their actions."""


@dataclass(frozen=True)
class ScopeLink:
    """A place on the dashboard one can go to: the whole service, a service area or a team."""

    level: Level
    id: int | None
    name: str


@dataclass(frozen=True)
class AuditCount:
    """Audits of one type (template) at one stage (assigned, in progress, moderation, completed...)."""

    audit_type: str
    stage: str
    count: int


@dataclass(frozen=True)
class FeedbackCount:
    """Feedback answers of one form through one channel (Teams, link, hand-over)."""

    form: str
    channel: str
    count: int


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int
    """Open and past their due date (a subset of ``open``)."""
    done: int
    cancelled: int


@dataclass(frozen=True)
class Dashboard:
    viewer_name: str
    level: Level
    scope_name: str
    month: date
    since: date
    """Audits, feedback and actions are counted from this day (twelve months back)."""
    trail: tuple[ScopeLink, ...]
    """From the widest place the viewer may see down to this one (for going back up)."""
    tops: tuple[ScopeLink, ...]
    """The widest places the viewer may see (a senior manager of two areas has two)."""
    children: tuple[ScopeLink, ...]
    """Where the viewer may drill down to from here (areas of the service, teams of an area)."""
    measures: MeasuresOverview | None
    """None when no measures file is loaded, or for a practitioner's own work (figures are per team)."""
    audits: tuple[AuditCount, ...]
    feedback: tuple[FeedbackCount, ...]
    actions: ActionCounts
