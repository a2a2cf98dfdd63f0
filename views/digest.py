"""What a digest or a quarterly report says, as plain data (no database, no card JSON).

Built by ``services.digest.builder`` from SQL aggregates; drawn by ``cards.digest`` (Teams),
``services.digest.report`` (Excel) and ``qop.reports_web`` (HTML). Small-number suppression is
decided here, once, so every output hides the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from views.measures import MeasuresOverview
from views.moderation_group import ModerationGroupThemes
from views.periods import Period
from views.templates import AuditType, GradeBand, GradeScale

AGREE_POSITIVE = ("strongly_agree", "agree")
AGREE_VALUES = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know")
MIN_GROUP = 5
"""Numbers from 1 to MIN_GROUP - 1 are shown as "fewer than 5"; shares of them are not shown."""


def suppressed(count: int, min_group: int = MIN_GROUP) -> bool:
    return 0 < count < min_group


def shown(count: int, min_group: int = MIN_GROUP) -> str:
    """A count as people may see it."""
    return f"fewer than {min_group}" if suppressed(count, min_group) else f"{count:,}"


@dataclass(frozen=True)
class AgencyParts:
    """One partner agency's parts of the quarter's multi-agency audits: invited and returned."""

    agency: str
    invited: int
    returned: int


@dataclass(frozen=True)
class MultiAgencySection:
    """What the quarter's multi-agency audits found (``services.digest.multi_agency`` builds it), for
    the QIM report and the QIM pack."""

    audits: int = 0
    agencies: list[AgencyParts] = field(default_factory=list)
    findings: list[tuple[str, str]] = field(default_factory=list)
    """(agency, quote) of each key finding fit to share, council first then as they came back."""


def percent(part: int, whole: int, min_group: int = MIN_GROUP) -> float | None:
    """``part`` as a share of ``whole``; None when either is too small to show safely."""
    if whole < min_group or suppressed(part, min_group) or suppressed(whole - part, min_group):
        return None
    return round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class GradeKey:
    """The grades reports count, read from the templates' grade scales: each value with its label
    (best first, scale by scale), and which count as good or better and as inadequate."""

    labels: dict[str, str] = field(default_factory=dict)
    good_or_better: frozenset[str] = frozenset()
    inadequate: frozenset[str] = frozenset()

    @classmethod
    def of(cls, scales: Iterable[GradeScale]) -> GradeKey:
        labels: dict[str, str] = {}
        good: set[str] = set()
        inadequate: set[str] = set()
        for scale in scales:
            for value, label in scale.labels.items():
                labels.setdefault(value, label)
            good |= scale.in_band(GradeBand.GOOD_OR_BETTER)
            inadequate |= scale.in_band(GradeBand.INADEQUATE)
        return cls(labels, frozenset(good), frozenset(inadequate))

    def label_of(self, value: str) -> str:
        return self.labels.get(value, value)


@dataclass(frozen=True)
class GradeTargets:
    """The council's goals for audit grades, as percentages of graded audits (organisation settings)."""

    good_or_better: float
    """At least this share Good or better (or the scale's equivalent)."""
    inadequate: float
    """At most this share Inadequate (or the scale's equivalent)."""


@dataclass(frozen=True)
class GradeCounts:
    counts: dict[str, int] = field(default_factory=dict)
    key: GradeKey = field(default_factory=GradeKey)
    """Which grades count as good or better and as inadequate, and their labels."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> int:
        return sum(self.counts.get(g, 0) for g in self.key.good_or_better)

    @property
    def inadequate(self) -> int:
        return sum(self.counts.get(g, 0) for g in self.key.inadequate)

    @property
    def best(self) -> tuple[str, int]:
        """(label, count) of the best grade of the key (its first), when it counts as good or better."""
        best = next(iter(self.key.labels), None)
        if best is None or best not in self.key.good_or_better:
            return "", 0
        return self.key.label_of(best), self.counts.get(best, 0)

    def in_order(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every grade of the key, best first, then any it does not know."""
        values = list(self.key.labels) + sorted(set(self.counts) - set(self.key.labels))
        return [(g, self.key.label_of(g), self.counts.get(g, 0)) for g in values]

    @property
    def pct_good(self) -> float | None:
        return percent(self.good_or_better, self.total)

    @property
    def pct_inadequate(self) -> float | None:
        return percent(self.inadequate, self.total)

    @property
    def pct_below_good(self) -> float | None:
        return percent(self.total - self.good_or_better, self.total)

    def chartable(self) -> bool:
        """Safe to draw: every grade is 0 or at least MIN_GROUP."""
        return self.total >= MIN_GROUP and not any(suppressed(count) for count in self.counts.values())


@dataclass(frozen=True)
class PeriodFigures:
    """The headline numbers of one period."""

    period: Period
    audits_completed: int = 0
    audits_planned: int = 0
    grades: GradeCounts = field(default_factory=GradeCounts)
    feedback_responses: int = 0
    feedback_score: float | None = None
    """Average 0-10 answer to the templates' scale questions."""
    feedback_scored: int = 0
    agreement: dict[str, int] = field(default_factory=dict)
    actions_new: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    """Open and past their due date at the end of the period."""
    actions_impact: int = 0
    family_voice_asked: int = 0
    """Audits submitted whose template asks for the family's view."""
    family_voice_heard: int = 0
    """Of those, the audits with the family's own answers."""

    @property
    def pct_family_voice(self) -> float | None:
        """The share of audits with the family's voice (None when too few to show)."""
        return percent(self.family_voice_heard, self.family_voice_asked)

    @property
    def agree_answers(self) -> int:
        return sum(v for k, v in self.agreement.items() if k != "dont_know")

    @property
    def pct_agree(self) -> float | None:
        return percent(sum(self.agreement.get(k, 0) for k in AGREE_POSITIVE), self.agree_answers)

    @property
    def shown_feedback_score(self) -> float | None:
        return (
            None if self.feedback_scored < MIN_GROUP or self.feedback_score is None else round(self.feedback_score, 1)
        )


@dataclass(frozen=True)
class AuditTypeFigures:
    """One audit type's own figures (themed audits, dip samples...), never mixed into another's."""

    audit_type: AuditType
    now: PeriodFigures
    """Completed, planned and grades of this type in the period (other measures left at 0)."""
    before: PeriodFigures

    @property
    def graded(self) -> bool:
        """Whether any audit of this type carried an overall grade (dip samples do not)."""
        return bool(self.now.grades.total or self.before.grades.total)


@dataclass(frozen=True)
class StageFigures:
    stage_id: str
    title: str
    grades: GradeCounts


@dataclass(frozen=True)
class ThemeFigures:
    """One of the seven "we would expect to see" statements: yes / partly / no across audits."""

    question_id: str
    title: str
    answers: dict[str, int]

    @property
    def answered(self) -> int:
        return sum(v for k, v in self.answers.items() if k != "not_applicable")

    @property
    def pct_yes(self) -> float | None:
        return percent(self.answers.get("yes", 0), self.answered)


@dataclass(frozen=True)
class OverdueAction:
    description: str
    owner: str
    due: str
    case_reference: str | None


@dataclass(frozen=True)
class Moderation:
    moderated: int = 0
    raised: int = 0
    lowered: int = 0


@dataclass(frozen=True)
class ObservationFigures:
    """What the period's practice observations in the scope found, as counts only (never the
    practitioner, never the family)."""

    observations: int = 0
    expectations_met: int = 0
    expectations_partly: int = 0
    expectations_not_met: int = 0
    strengths: int = 0
    development_points: int = 0


@dataclass(frozen=True)
class Digest:
    scope_kind: str
    """team | area | service"""
    scope_label: str
    period: Period
    trend: list[PeriodFigures]
    """Oldest first; the last is this period, the one before it the previous period."""
    stages: list[StageFigures] = field(default_factory=list)
    themes: list[ThemeFigures] = field(default_factory=list)
    audit_quotes: list[str] = field(default_factory=list)
    feedback_quotes: list[str] = field(default_factory=list)
    impact_quotes: list[str] = field(default_factory=list)
    overdue_total: int = 0
    overdue: list[OverdueAction] = field(default_factory=list)
    moderation: Moderation = field(default_factory=Moderation)
    late: bool = False
    show_case_references: bool = False
    grade_key: GradeKey = field(default_factory=GradeKey)
    """The grades this digest counts, for its grade tables and charts."""
    targets: GradeTargets | None = None
    """The council's grade targets, where it has set them."""
    audit_type: AuditType = AuditType.STANDARD
    """The audits the headline figures, stages, themes and moderation count: standard unless filtered."""
    filtered: bool = False
    """True when someone asked for one audit type only: the other types' rows are then left out."""
    other_audit_types: list[AuditTypeFigures] = field(default_factory=list)
    """Every other audit type with audits in the period or the one before, each on its own."""
    measures: MeasuresOverview | None = None
    """The Meaningful Measures triangulated for the digest's scope and month (None: no measures loaded)."""
    celebrated: list[str] = field(default_factory=list)
    """Practice nominated to celebrate in the period and scope, as quotes fit for a channel."""
    moderation_group: ModerationGroupThemes = field(default_factory=ModerationGroupThemes)
    """What the moderation group's meetings in the period agreed (the whole service's group)."""
    observations: ObservationFigures = field(default_factory=ObservationFigures)
    """What the period's practice observations in the scope found."""

    @property
    def current(self) -> PeriodFigures:
        return self.trend[-1]

    @property
    def previous(self) -> PeriodFigures:
        return self.trend[-2] if len(self.trend) > 1 else PeriodFigures(self.period.previous())


@dataclass(frozen=True)
class Findings:
    """What a digest picks out to answer the framework's four questions, and the overdue actions it
    lists. Chosen by ``services.digest.findings`` (the rules), worded by ``cards.digest``."""

    worrying_stages: tuple[StageFigures, ...] = ()
    """Stages most often graded below Good, worst first."""
    weak_themes: tuple[ThemeFigures, ...] = ()
    """"We would expect to see" statements seen least often in full, least first."""
    inadequate: int = 0
    """Audits graded Inadequate this period, when there are enough to name as a worry (else 0)."""
    strong_stages: tuple[StageFigures, ...] = ()
    """Stages most often graded Good or better, best first."""
    audit_quotes: tuple[str, ...] = ()
    feedback_quotes: tuple[str, ...] = ()
    impact_reviewed: int = 0
    impact_quotes: tuple[str, ...] = ()
    outstanding: int = 0
    """Audits given the scale's best grade this period."""
    best_grade: str = ""
    """That grade's label (Outstanding on Ofsted's scale)."""
    good_or_better_rise: tuple[float, float] | None = None
    """(before, now) share of audits Good or better, when it rose."""
    actions_done: int = 0
    moderation: Moderation | None = None
    """What moderation changed, when enough grades were moderated to say."""
    overdue: tuple[OverdueAction, ...] = ()
    """Overdue actions to list by name (team digests only)."""
    overdue_not_listed: int = 0
    """Overdue actions beyond those listed."""


@dataclass(frozen=True)
class SubscriptionView:
    """A channel's digest subscription as its card shows it (display strings)."""

    scope_label: str
    weekday: str
    send_at: str
    since: str
    audit_type: AuditType | None = None
    """The one audit type the digest counts; None: standard audits, each other type apart."""
