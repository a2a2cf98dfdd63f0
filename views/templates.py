"""What a questionnaire template may contain, as pydantic models (unknown fields are refused, not ignored).

The loader that reads template files lives in ``services.templates``; cards and services share these
models.
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
SLUG_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"


class TemplateKind(enum.StrEnum):
    AUDIT = "audit"
    REFLECTION = "reflection"
    SURVEY = "survey"
    OBSERVATION = "observation"
    """A practice observation: what an observer saw of a practitioner's practice."""


class AuditType(enum.StrEnum):
    """What kind of audit a template is: digests and reports count and grade each kind apart, so a
    themed audit or a dip sample never changes the standard audits' shares."""

    STANDARD = "standard"
    THEMED = "themed"
    DIP_SAMPLE = "dip_sample"
    MULTI_AGENCY = "multi_agency"


class QuestionType(enum.StrEnum):
    GRADE4 = "grade4"
    SCALE = "scale"
    YES_PARTLY_NO_NA = "yes_partly_no_na"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"
    DATE = "date"
    AGREE5 = "agree5"
    """Five-point agree/disagree with "don't know" (surveys)."""


class QuestionRole(enum.StrEnum):
    """What an answer counts as beyond itself: reports and moderation read these."""

    SECTION_GRADE = "section_grade"
    OVERALL_GRADE = "overall_grade"
    SCALE = "scale"
    """A Signs of Safety scaling judgement (0-10)."""


GRADE_LABELS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
"""Ofsted's four-point scale, best first; keys are what answers store."""

COMPLIANCE_LABELS: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "not_applicable": "Not applicable",
}

AGREE_LABELS: dict[str, str] = {
    "strongly_agree": "Strongly agree",
    "agree": "Agree",
    "neither": "Neither agree nor disagree",
    "disagree": "Disagree",
    "strongly_disagree": "Strongly disagree",
    "dont_know": "Don't know",
}
"""The five-point agreement scale plus "don't know"; keys are what answers store."""

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(BaseModel):
    model_config = _STRICT

    value: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Annotated[str, Field(min_length=1, max_length=200)]


class Question(BaseModel):
    """One question. Which fields apply depends on ``type``; the validator refuses the others."""

    model_config = _STRICT

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    type: QuestionType
    text: Annotated[str, Field(min_length=1, max_length=600)]
    help: str | None = None
    required: bool = False
    evidence: bool = False
    """Adds an evidence box: where in the record the auditor found what they judged."""
    role: QuestionRole | None = None
    options: list[Option] | None = None
    min: int | None = None
    max: int | None = None
    min_label: str | None = None
    max_label: str | None = None
    max_length: Annotated[int, Field(ge=1, le=8000)] = 2000
    rationale_required_for: list[str] = []
    """Grades (e.g. outstanding, inadequate) that must come with a written rationale."""
    not_in_past: bool = False
    """For dates that plan ahead (e.g. an action's due date)."""
    escalate_when: list[str] = []
    """Answers that mean "stop and escalate": an immediate safeguarding concern."""
    escalation_note: str | None = None
    """The id of the free-text question whose answer goes with the escalation alert."""

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        kind = self.type
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            if not self.options or len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        elif self.options is not None:
            raise ValueError(f"options are only for choice questions, not {kind.value}")
        if kind == QuestionType.SCALE:
            low, high = self.scale_bounds
            if low >= high:
                raise ValueError("min must be below max")
        elif self.min is not None or self.max is not None:
            raise ValueError(f"min and max are only for scale questions, not {kind.value}")
        if self.rationale_required_for:
            if kind != QuestionType.GRADE4:
                raise ValueError("rationale_required_for is only for grade4 questions")
            unknown = set(self.rationale_required_for) - set(GRADE_LABELS)
            if unknown:
                raise ValueError(f"unknown grade(s) {sorted(unknown)}; use {list(GRADE_LABELS)}")
        if self.not_in_past and kind != QuestionType.DATE:
            raise ValueError("not_in_past is only for date questions")
        if self.escalate_when:
            unknown = set(self.escalate_when) - set(self.allowed_values or ())
            if unknown:
                raise ValueError(f"escalate_when names answers this question cannot have: {sorted(unknown)}")
        if self.role in (QuestionRole.SECTION_GRADE, QuestionRole.OVERALL_GRADE) and kind != QuestionType.GRADE4:
            raise ValueError(f"role {self.role.value} needs a grade4 question")
        if self.role == QuestionRole.SCALE and kind != QuestionType.SCALE:
            raise ValueError("role scale needs a scale question")
        return self

    @property
    def scale_bounds(self) -> tuple[int, int]:
        return (0 if self.min is None else self.min, 10 if self.max is None else self.max)

    @property
    def allowed_values(self) -> dict[str, str] | None:
        """Stored value -> label, for questions with a closed set of answers."""
        if self.type == QuestionType.GRADE4:
            return GRADE_LABELS
        if self.type == QuestionType.YES_PARTLY_NO_NA:
            return COMPLIANCE_LABELS
        if self.type == QuestionType.AGREE5:
            return AGREE_LABELS
        if self.options:
            return {o.value: o.label for o in self.options}
        if self.type == QuestionType.SCALE:
            low, high = self.scale_bounds
            return {str(n): str(n) for n in range(low, high + 1)}
        return None

    @property
    def has_rationale(self) -> bool:
        return bool(self.rationale_required_for)

    def label_of(self, value: str) -> str:
        return (self.allowed_values or {}).get(value, value)


class Section(BaseModel):
    model_config = _STRICT

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    intro: str | None = None
    guidance: list[Annotated[str, Field(min_length=1)]] = []
    """The framework's "we would expect to see" statements for this section."""
    questions: Annotated[list[Question], Field(min_length=1)]


class SurveyAudience(enum.StrEnum):
    STAFF = "staff"
    PARTNER = "partner"
    FAMILY = "family"


class SurveySettings(BaseModel):
    """What only a survey has: who answers it, whether it is anonymous, its own wording."""

    model_config = _STRICT

    audience: SurveyAudience
    respondent: Annotated[str, Field(min_length=1, max_length=60)]
    """Who answers, in plain words (shown to staff choosing a form)."""
    anonymous: bool = False
    with_worker: bool = False
    """Meant to be completed with a worker beside the child (under 8s)."""
    intro: Annotated[str, Field(min_length=1, max_length=600)]
    thanks: Annotated[str, Field(min_length=1, max_length=400)]
    submit_label: Annotated[str, Field(min_length=1, max_length=40)] = "Send my answers"


class Template(BaseModel):
    model_config = _STRICT

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    kind: TemplateKind
    description: str = ""
    moderated: bool = False
    """Whether submissions go through the moderation rule (audits yes, reflections no)."""
    sections: Annotated[list[Section], Field(min_length=1)]
    survey: SurveySettings | None = None
    """Required for (and only for) kind: survey."""
    audit_type: AuditType | None = None
    """Only for kind: audit; an audit template that names none is a standard audit (``type_of_audit``)."""

    @model_validator(mode="after")
    def _ids_are_unique_and_references_resolve(self) -> Template:
        if (self.kind == TemplateKind.SURVEY) != (self.survey is not None):
            raise ValueError("a survey template needs a 'survey' block, and only surveys have one")
        if self.audit_type is not None and self.kind != TemplateKind.AUDIT:
            raise ValueError("only audit templates have an audit_type")
        seen: set[str] = set()
        for section in self.sections:
            for question in section.questions:
                if question.id in seen:
                    raise ValueError(f"question id {question.id!r} is used twice")
                seen.add(question.id)
        section_ids = [s.id for s in self.sections]
        if len(set(section_ids)) != len(section_ids):
            raise ValueError("section ids must be unique")
        for question in self.questions():
            note = question.escalation_note
            if note is not None and (note not in seen or self.question(note).type != QuestionType.FREE_TEXT):
                raise ValueError(f"escalation_note of {question.id!r} must name a free_text question, not {note!r}")
        overall = [q for q in self.questions() if q.role == QuestionRole.OVERALL_GRADE]
        if len(overall) > 1:
            raise ValueError("only one question can hold the overall grade")
        return self

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    @property
    def type_of_audit(self) -> AuditType | None:
        """The audit's type (standard when the template names none); None for other kinds."""
        if self.kind != TemplateKind.AUDIT:
            return None
        return self.audit_type or AuditType.STANDARD

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def escalation_questions(self) -> list[Question]:
        return [q for q in self.questions() if q.escalate_when]

    @property
    def overall_grade_question(self) -> Question | None:
        return next((q for q in self.questions() if q.role == QuestionRole.OVERALL_GRADE), None)


RATIONALE_SUFFIX = "__rationale"
EVIDENCE_SUFFIX = "__evidence"


def rationale_id(question: Question) -> str:
    """The input id of the written rationale a grade question may need."""
    return question.id + RATIONALE_SUFFIX


def evidence_id(question: Question) -> str:
    """The input id of a question's evidence box."""
    return question.id + EVIDENCE_SUFFIX
