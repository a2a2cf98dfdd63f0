"""The Meaningful Measures as read models: indicator figures, triangulation and the four questions.

Plain frozen data built by ``services.measures`` and rendered by the CLI (and later by cards and
the QIM report). A figure that does not exist is ``None`` ("no data"), never 0.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MonthlyValue:
    """One indicator's figure for one team and month, whether imported or computed by qop."""

    indicator_key: str
    team_id: int
    month: date
    value: float
    numerator: int | None = None
    denominator: int | None = None
    source: str = "extract"
    """``extract`` (imported from the case system) or ``audit answers`` (computed by qop)."""


@dataclass(frozen=True)
class AnswerEvidence:
    """What audits found on the same practice over the three months: ``found`` of ``of`` cases."""

    template_title: str
    question_text: str
    found: int
    of: int

    @property
    def share(self) -> float | None:
        return 100.0 * self.found / self.of if self.of else None


class WorryReason(enum.StrEnum):
    OFF_TARGET = "off target"
    WRONG_WAY = "moving the wrong way"
    AUDITS_DISAGREE = "audits disagree with the figures"


@dataclass(frozen=True)
class IndicatorStatus:
    """One indicator in a scope and month: its latest figure judged against target and trend."""

    key: str
    measure_id: str
    name: str
    kind: str
    unit: str
    direction: str
    target: float | None
    tolerance: float
    owner: str
    value: float | None
    """The latest figure at or before the month asked about; None = no data."""
    value_month: date | None
    numerator: int | None
    denominator: int | None
    teams_reporting: int
    """How many of the scope's teams the latest figure comes from (a team that sent none is not 0)."""
    teams_in_scope: int
    history: tuple[tuple[date, float | None], ...]
    """The three months ending with the month asked about, oldest first (None = no data)."""
    change: float | None
    """Latest minus the figure two months earlier, in the unit (points for percent)."""
    off_target: bool
    on_target: bool
    wrong_way: bool
    improving: bool
    evidence: tuple[AnswerEvidence, ...]
    disagreeing_evidence: tuple[AnswerEvidence, ...]
    """Evidence that tells another story than the figure (audits low while the figure is on target, or
    the reverse)."""

    @property
    def has_data(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Worry:
    indicator: IndicatorStatus
    reasons: tuple[WorryReason, ...]


@dataclass(frozen=True)
class MeasureStatus:
    """One Meaningful Measure in a scope and month, with the four questions answered from its indicators."""

    measure_id: str
    name: str
    indicators: tuple[IndicatorStatus, ...]
    worries: tuple[Worry, ...]
    """What are we worried about and why? Off target, wrong way, audits disagreeing."""
    did_well: tuple[IndicatorStatus, ...]
    """What did we do well and how? On target, with the audits that agree."""
    impact: tuple[IndicatorStatus, ...]
    """What is the impact and how do we know? Figures that moved the right way over three months."""
    celebrate: tuple[IndicatorStatus, ...]
    """On target and confirmed by audits (or improving): to celebrate and share."""
    learn: tuple[IndicatorStatus, ...]
    """Where figures and audits tell different stories: to learn from."""


@dataclass(frozen=True)
class MeasuresOverview:
    """Every measure for a team, a service area or the whole service, for one month."""

    scope: str
    """``team``, ``area`` or ``service``."""
    scope_name: str
    month: date
    measures: tuple[MeasureStatus, ...]
    open_actions: int
    """Open actions owned by people in the scope (the other method's evidence of work under way)."""
