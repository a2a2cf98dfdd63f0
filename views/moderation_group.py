"""Read models of the moderation group: scheduling a meeting, the meeting with its audits, what the
group agrees per audit and for the meeting, and the counts digests and reports use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from views.audits import SubmittedAudit
from views.observations import Choice

THEMES: tuple[str, ...] = (
    "risk_sensible",
    "child_voice",
    "family_collaboration",
    "analytic_recording",
    "respectful_language",
    "knowledge_research",
    "family_feedback",
)
"""Learning themes the group records: the framework's seven "we would expect to see" statements."""

MEMBER_ROLES: tuple[str, ...] = ("head_of_service", "principal_social_worker", "iro_manager")
"""The framework's members of the moderation group (role values of ``storage.models.Role``)."""

CADENCES: tuple[int, ...] = (1, 2, 3)
"""How often the group may meet, in months; 2 (bi-monthly) is the framework's."""
DEFAULT_CADENCE = 2

SUBMISSION_KEY = "submission_key"
DATE_INPUT = "meets_on"
CADENCE_INPUT = "cadence"
MEMBERS_INPUT = "members"
AUDITS_INPUT = "audits"
SAMPLE_INPUT = "sample_size"
SINCE_INPUT = "since"
UNTIL_INPUT = "until"
AREA_INPUT = "service_area"
GRADE_INPUT = "agreed_grade"
THEMES_INPUT = "themes"
LEARNING_INPUT = "learning"
NOTES_INPUT = "notes"


@dataclass(frozen=True)
class MemberChoice:
    """Someone who may sit in the group, by the framework role they hold."""

    person_id: int
    name: str
    role: str


@dataclass(frozen=True)
class AuditChoice:
    """A submitted audit the QA lead may put on a meeting's list."""

    assignment_id: int
    case_ref: str
    team_name: str
    overall_label: str | None
    """The auditor's overall grade as its scale names it (None: the template grades no overall)."""
    submitted_on: date


@dataclass(frozen=True)
class ScheduleForm:
    """The QA lead's card: date, cadence, members by role, and audits picked or sampled."""

    members: tuple[MemberChoice, ...]
    audits: tuple[AuditChoice, ...]
    areas: tuple[Choice, ...]
    default_date: date
    submission_key: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupAudit:
    """One audit on a meeting's list, with what the group agreed once it is recorded."""

    assignment_id: int
    case_ref: str
    team_name: str
    template_title: str
    original_grade: str | None
    agreed_grade: str | None = None
    outcome: str | None = None
    themes: tuple[str, ...] = ()
    learning: str | None = None
    grade_labels: dict[str, str] = field(default_factory=dict, kw_only=True)
    """The audit's grade scale (value -> label, best first): the grades are read on it."""

    @property
    def recorded(self) -> bool:
        return self.agreed_grade is not None


@dataclass(frozen=True)
class GroupMember:
    name: str
    role: str


@dataclass(frozen=True)
class MeetingView:
    """A meeting as its members and the QA lead see it."""

    id: int
    meets_on: date
    cadence_months: int
    members: tuple[GroupMember, ...]
    audits: tuple[GroupAudit, ...]
    themes: tuple[str, ...] = ()
    notes: str | None = None
    closed: bool = False
    calendar_due_on: date | None = None
    viewer_may_close: bool = False
    next_meeting_on: date | None = None

    @property
    def waiting(self) -> int:
        """Audits on the list the group has not recorded an outcome for yet."""
        return sum(1 for audit in self.audits if not audit.recorded)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    meets_on: date
    audits: int
    recorded: int
    closed: bool


@dataclass(frozen=True)
class MeetingList:
    """What ``moderation group`` shows: the person's meetings, and whether they may schedule one."""

    meetings: tuple[MeetingSummary, ...]
    may_schedule: bool


@dataclass(frozen=True)
class OutcomeForm:
    """Recording the group's agreed grade and learning themes for one audit on the list."""

    meeting_id: int
    audit: SubmittedAudit
    original_grade: str | None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    grade_labels: dict[str, str] = field(kw_only=True)
    """The grades the group may agree: the audit's own scale (value -> label, best first)."""


@dataclass(frozen=True)
class CloseForm:
    """Recording the meeting's own themes and notes, which closes it."""

    meeting: MeetingView
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutcomeNotice:
    """What the auditor and the practitioner are told about their audit."""

    assignment_id: int
    case_ref: str
    meets_on: date
    original_grade: str | None
    agreed_grade: str
    outcome: str
    themes: tuple[str, ...]
    learning: str | None
    grade_labels: dict[str, str] = field(kw_only=True)


@dataclass(frozen=True)
class ModerationGroupThemes:
    """Counts from the meetings held in a period, for digests and the QIM report (never a case)."""

    meetings: int = 0
    audits_moderated: int = 0
    agreed: int = 0
    raised: int = 0
    lowered: int = 0
    themes: dict[str, int] = field(default_factory=dict)
    """Theme code -> how many audits and meetings named it."""

    def top_themes(self, limit: int = 3) -> list[tuple[str, int]]:
        """The most named themes, most first (ties in ``THEMES`` order)."""
        ranked = sorted(self.themes.items(), key=lambda item: (-item[1], THEMES.index(item[0])))
        return [item for item in ranked if item[1] > 0][:limit]
