"""Plain data the audit cards are built from (no database objects leave the service)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from views.audit_family import FamilyVoice
from views.partner_audits import PartnerParts
from views.templates import GradeScale, Template

MAX_ACTIONS = 20
"""The most actions one audit raises on its actions page. The page grows one row at a time ("Add
another action"); 20 rows of the longest text (2,000 characters each) keep the card, and the review
page listing them, under Teams' message size. Beyond that, a manager or the QA lead uses 'new action'."""


def action_ids(row: int) -> tuple[str, str, str]:
    """The input ids of action row ``row`` (from 1): what, owner, due date."""
    return f"action_{row}_what", f"action_{row}_owner", f"action_{row}_due"


def action_rows_started(values: dict[str, str]) -> int:
    """The last action row with anything typed in it (0 when none)."""
    return max((row for row in range(1, MAX_ACTIONS + 1) if any(values.get(key) for key in action_ids(row))), default=0)


def action_rows_shown(values: dict[str, str]) -> int:
    """Every row started plus one empty row to fill in, up to MAX_ACTIONS."""
    return min(MAX_ACTIONS, action_rows_started(values) + 1)


@dataclass(frozen=True)
class AssignmentSummary:
    id: int
    case_ref: str
    team_name: str
    practitioner_name: str
    auditor_name: str
    template_title: str
    due_date: date
    status: str


@dataclass(frozen=True)
class ReflectionSummary:
    template: Template
    answers: dict[str, Any]
    submitted_at: datetime
    case_ref: str = ""


@dataclass(frozen=True)
class AuditPage:
    """One page of an audit in progress: a template section, the actions page or the review."""

    assignment: AssignmentSummary
    template: Template
    page: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    owners: tuple[tuple[int, str], ...] = ()
    """Who can own an action raised here: (person id, name)."""
    reflection: ReflectionSummary | None = None
    """The practitioner's reflection once sent (shown where ``shows_reflection``)."""
    submission_key: str = ""
    notice: str | None = None
    family: FamilyVoice | None = None
    """The family's view, for templates that ask for it."""
    partners: PartnerParts | None = None
    """A multi-agency audit's partner parts (on its first and review pages)."""
    reflection_due: date | None = None
    """The practitioner's reflection deadline."""
    reflection_overdue: bool = False
    """The deadline passed with no reflection: the audit may be submitted without it."""

    @property
    def section_count(self) -> int:
        return len(self.template.sections)

    @property
    def page_count(self) -> int:
        return self.section_count + 2

    @property
    def is_actions_page(self) -> bool:
        return self.page == self.section_count

    @property
    def is_review_page(self) -> bool:
        return self.page == self.section_count + 1

    @property
    def shows_reflection(self) -> bool:
        """The review and every stage where the auditor grades show the practitioner's reflection."""
        if self.is_review_page:
            return True
        if self.page >= self.section_count:
            return False
        return any(q.grade_scale is not None for q in self.template.sections[self.page].questions)


@dataclass(frozen=True)
class GradeLine:
    section_title: str
    question_id: str
    grade: str
    rationale: str | None
    moderated_grade: str | None = None
    moderation_outcome: str | None = None
    moderation_rationale: str | None = None
    scale: GradeScale | None = None
    """The scale the grade was given on (its question's, in the template version answered)."""

    @property
    def final_grade(self) -> str:
        return self.moderated_grade or self.grade

    def label_of(self, value: str) -> str:
        """A grade of this line's scale as people read it."""
        return self.scale.labels.get(value, value) if self.scale else value


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner_name: str
    due_date: date


@dataclass(frozen=True)
class Confirmation:
    """Where an audit is done together: the practitioner's answer on the findings and actions."""

    state: str
    """awaiting / confirmed / disagreed"""
    disagreement: str | None = None
    """What they disagree with, in their words."""
    answered_at: datetime | None = None

    @property
    def awaiting(self) -> bool:
        return self.state == "awaiting"


@dataclass(frozen=True)
class ConfirmationForm:
    """The practitioner's card to confirm an audit done together, with what they typed and its errors."""

    audit: SubmittedAudit
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmittedAudit:
    """A submitted audit, read-only, as its auditor, practitioner, manager or QA lead sees it."""

    assignment: AssignmentSummary
    template: Template
    answers: dict[str, Any]
    grades: tuple[GradeLine, ...]
    actions: tuple[ActionLine, ...]
    submitted_at: datetime
    reflection: ReflectionSummary | None = None
    moderation: str = "not selected"
    """not selected / awaiting moderation / moderated"""
    practitioner_comment: str | None = None
    family: FamilyVoice | None = None
    """The family's view, for templates that ask for it (answers that came after submission marked late)."""
    partners: PartnerParts | None = None
    """Every partner agency's part, for a multi-agency audit."""
    without_reflection: bool = False
    """Submitted without the practitioner's reflection, its deadline having passed."""
    reflection_due: date | None = None
    confirmation: Confirmation | None = None
    """Done together: the practitioner's confirmation of the findings and actions."""

    @property
    def overall(self) -> GradeLine | None:
        question = self.template.overall_grade_question
        return next((g for g in self.grades if question and g.question_id == question.id), None)


@dataclass(frozen=True)
class ReflectionForm:
    assignment: AssignmentSummary
    template: Template
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    family: FamilyVoice | None = None
    """The family's view, which the practitioner can also ask for (with the family beside them)."""
    due: date | None = None
    """The reflection deadline: the auditor cannot submit before it unless the reflection is in."""


@dataclass(frozen=True)
class ModerationForm:
    audit: SubmittedAudit
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EscalationAlert:
    case_ref: str
    team_name: str
    auditor_name: str
    practitioner_name: str
    question_text: str
    note: str
    raised_at: datetime


@dataclass(frozen=True)
class LateArrival:
    """The family's answers, or a partner agency's part, that arrived after the audit was submitted."""

    assignment_id: int
    case_ref: str
    agency: str | None = None
    """The partner agency whose part arrived; None for the family's answers (never named)."""


@dataclass(frozen=True)
class ModeratorNeeded:
    """An audit selected for moderation that nobody independent of it can moderate yet."""

    case_ref: str
    team_name: str
    template_title: str
    auditor_name: str
    practitioner_name: str
    reason: str
    """'grade' (a grade that is always moderated) or 'sample' (drawn at random)."""
    grades: tuple[str, ...]
    """The always-moderated grades it holds, when ``reason`` is 'grade' (labels, e.g. 'Outstanding')."""
    submitted_at: datetime


@dataclass(frozen=True)
class Task:
    kind: str
    """audit / reflection / moderation / comment / no moderator (a QA lead's: nothing to open)"""
    assignment_id: int
    case_ref: str
    title: str
    due_date: date | None
    detail: str = ""


@dataclass(frozen=True)
class TeamAudit:
    """One line of 'team audits': what a team manager or the QA lead sees before opening an audit."""

    assignment_id: int
    case_ref: str
    team_name: str
    auditor_name: str
    status: str
    due_date: date
    final_grade: str | None = None
    """The overall grade once submitted (the moderated one where it was moderated)."""
    final_grade_label: str | None = None
    """``final_grade`` as its scale names it."""
    no_moderator: bool = False
    """Selected for moderation, but nobody independent could be assigned to moderate it."""

    @property
    def submitted(self) -> bool:
        return self.status in ("moderation", "completed")


@dataclass(frozen=True)
class RoundStartForm:
    templates: tuple[tuple[str, str], ...]
    """(template id, title) of the audit templates a round can use."""
    default_due: date
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str


@dataclass(frozen=True)
class RoundReport:
    round_id: int | None
    template_title: str
    due_date: date
    created: tuple[int, ...]
    problems: tuple[RowProblem, ...]
