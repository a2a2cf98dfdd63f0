"""What a questionnaire template may contain, as pydantic models (unknown fields are refused, not ignored).

The loader that reads template files lives in ``services.templates``; cards and services share these
models.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

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
    GRADE = "grade"
    """A grade on the template's grade scale (``grade4`` in older template files)."""
    GRADE4 = "grade"
    """The same as ``GRADE``: the name older code and template files use."""
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
    KEY_FINDING = "key_finding"
    """A key finding about multi-agency practice, shared with the QIM report (free text)."""


class Agency(enum.StrEnum):
    """Who answers a part of a multi-agency audit: the council's auditor in Teams, or an auditor
    from a partner agency through a private link."""

    COUNCIL = "council"
    HEALTH = "health"
    POLICE = "police"
    EDUCATION = "education"


PARTNER_QUESTION_TYPES = frozenset(QuestionType) - {QuestionType.DATE}
"""What a partner's page can ask: one input per question (no dates, rationale or evidence boxes)."""


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

LEGACY_GRADE_TYPE = "grade4"
"""How template files written before grade scales were data name a grade question."""


class GradeBand(enum.StrEnum):
    """What a grade counts as in reports, whatever the scale calls it."""

    GOOD_OR_BETTER = "good_or_better"
    INADEQUATE = "inadequate"


class Grade(BaseModel):
    """One grade of a scale: what answers store, what people read, and what it means."""

    model_config = _STRICT

    value: Annotated[str, Field(pattern=ID_PATTERN)]
    label: Annotated[str, Field(min_length=1, max_length=60)]
    descriptor: Annotated[str, Field(min_length=1, max_length=400)]
    """Shown on the card next to the grade, so every auditor grades against the same words."""
    rationale_required: bool = False
    """Whether this grade must come with a written rationale citing the evidence."""
    counts_as: GradeBand | None = None
    """Whether reports count it as good or better, as inadequate, or as neither."""
    always_moderated: bool = False
    """Whether an audit holding this grade (any stage or overall) always goes to a moderator."""


class GradeScale(BaseModel):
    """A council's grade scale, best grade first: any number of grades from two up."""

    model_config = _STRICT

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    grades: Annotated[list[Grade], Field(min_length=2, max_length=10)]

    @model_validator(mode="after")
    def _values_are_unique(self) -> GradeScale:
        values = [g.value for g in self.grades]
        if len(set(values)) != len(values):
            raise ValueError("grade values must be unique")
        return self

    @property
    def labels(self) -> dict[str, str]:
        """Stored value -> label, best first."""
        return {g.value: g.label for g in self.grades}

    def in_band(self, band: GradeBand) -> frozenset[str]:
        """The grades that count as ``band`` in reports."""
        return frozenset(g.value for g in self.grades if g.counts_as == band)

    @property
    def needing_rationale(self) -> tuple[str, ...]:
        return tuple(g.value for g in self.grades if g.rationale_required)

    @property
    def always_moderated(self) -> frozenset[str]:
        """The grades whose audits always go to a moderator, as the scale marks them."""
        return frozenset(g.value for g in self.grades if g.always_moderated)


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
    """Grades (e.g. outstanding, inadequate) that must come with a written rationale, beside those
    the scale itself marks ``rationale_required``."""
    grade_scale: GradeScale | None = None
    """A grade question's scale: the template's ``grade_scale`` unless the question names its own."""
    not_in_past: bool = False
    """For dates that plan ahead (e.g. an action's due date)."""
    escalate_when: list[str] = []
    """Answers that mean "stop and escalate": an immediate safeguarding concern."""
    escalation_note: str | None = None
    """The id of the free-text question whose answer goes with the escalation alert."""

    @model_validator(mode="before")
    @classmethod
    def _legacy_grade_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("type") == LEGACY_GRADE_TYPE:
            return {**data, "type": QuestionType.GRADE.value}
        return data

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
        self._check_grade_scale()
        if self.not_in_past and kind != QuestionType.DATE:
            raise ValueError("not_in_past is only for date questions")
        if self.escalate_when:
            unknown = set(self.escalate_when) - set(self.allowed_values or ())
            if unknown:
                raise ValueError(f"escalate_when names answers this question cannot have: {sorted(unknown)}")
        if self.role in (QuestionRole.SECTION_GRADE, QuestionRole.OVERALL_GRADE) and kind != QuestionType.GRADE:
            raise ValueError(f"role {self.role.value} needs a grade question")
        if self.role == QuestionRole.SCALE and kind != QuestionType.SCALE:
            raise ValueError("role scale needs a scale question")
        if self.role == QuestionRole.KEY_FINDING and kind != QuestionType.FREE_TEXT:
            raise ValueError("role key_finding needs a free_text question")
        return self

    def _check_grade_scale(self) -> None:
        if self.type != QuestionType.GRADE:
            if self.grade_scale is not None:
                raise ValueError(f"grade_scale is only for grade questions, not {self.type.value}")
            if self.rationale_required_for:
                raise ValueError("rationale_required_for is only for grade questions")
            return
        if self.grade_scale is None:
            raise ValueError("a grade question needs a grade_scale (the template's, or its own)")
        unknown = set(self.rationale_required_for) - set(self.grade_scale.labels)
        if unknown:
            raise ValueError(f"unknown grade(s) {sorted(unknown)}; use {list(self.grade_scale.labels)}")

    @property
    def fits_a_partner_page(self) -> bool:
        """Whether a partner's web page can ask this: a single input, no stop-and-escalate."""
        return (
            self.type in PARTNER_QUESTION_TYPES
            and not self.has_rationale
            and not self.evidence
            and not self.escalate_when
            and self.role in (None, QuestionRole.SCALE, QuestionRole.KEY_FINDING)
        )

    @property
    def scale_bounds(self) -> tuple[int, int]:
        return (0 if self.min is None else self.min, 10 if self.max is None else self.max)

    @property
    def allowed_values(self) -> dict[str, str] | None:
        """Stored value -> label, for questions with a closed set of answers."""
        if self.grade_scale is not None:
            return self.grade_scale.labels
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
    def rationale_needed_for(self) -> tuple[str, ...]:
        """The grades that must come with a written rationale, in the scale's order."""
        if self.grade_scale is None:
            return ()
        named = set(self.rationale_required_for) | set(self.grade_scale.needing_rationale)
        return tuple(g for g in self.grade_scale.labels if g in named)

    @property
    def has_rationale(self) -> bool:
        return bool(self.rationale_needed_for)

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
    agency: Agency | None = None
    """In a multi-agency audit, whose part this section is; a partner's part is answered on a
    private web page, so its questions must each fit one input there."""

    @model_validator(mode="after")
    def _partner_part_fits_its_page(self) -> Section:
        if self.agency not in (None, Agency.COUNCIL):
            unfit = [q.id for q in self.questions if not q.fits_a_partner_page]
            if unfit:
                raise ValueError(
                    f"a partner's part asks one plain input per question (no date, rationale, evidence, "
                    f"escalation or grade role): {unfit}"
                )
        return self


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
    family_voice: bool = False
    """Whether the audit asks the family for its view: the family step on the card, and no
    submission without the family's answers or a recorded reason why not."""
    sections: Annotated[list[Section], Field(min_length=1)]
    survey: SurveySettings | None = None
    """Required for (and only for) kind: survey."""
    audit_type: AuditType | None = None
    """Only for kind: audit; an audit template that names none is a standard audit (``type_of_audit``)."""
    grade_scale: GradeScale | None = None
    """The scale the template's grade questions use (the loader gives Ofsted's four by default)."""

    @model_validator(mode="before")
    @classmethod
    def _grade_questions_take_the_template_scale(cls, data: Any) -> Any:
        """Each grade question without a scale of its own is graded on the template's."""
        if not isinstance(data, dict) or data.get("grade_scale") is None:
            return data
        sections = data.get("sections")
        if not isinstance(sections, list):
            return data
        return {**data, "sections": [_with_scale(section, data["grade_scale"]) for section in sections]}

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

    def grade_scales(self) -> list[GradeScale]:
        """Every grade scale this template's questions use, each once, in question order."""
        scales: dict[str, GradeScale] = {}
        for question in self.questions():
            if question.grade_scale is not None:
                scales.setdefault(question.grade_scale.id, question.grade_scale)
        return list(scales.values())

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

    @property
    def partner_agencies(self) -> list[Agency]:
        """The partner agencies with a part in this (multi-agency) audit, in template order."""
        found = [s.agency for s in self.sections if s.agency is not None and s.agency != Agency.COUNCIL]
        return list(dict.fromkeys(found))

    def partner_sections(self, agency: Agency) -> list[Section]:
        return [s for s in self.sections if s.agency == agency]

    def auditor_part(self) -> Template:
        """The template as the council's auditor answers it in Teams: without the partners' parts
        (same id and version, so drafts and submissions name the whole template)."""
        if not self.partner_agencies:
            return self
        own = [s for s in self.sections if s.agency in (None, Agency.COUNCIL)]
        return self.model_copy(update={"sections": own})


def _with_scale(section: Any, scale: Any) -> Any:
    """A section's data with ``scale`` given to each grade question that has none of its own."""
    if not isinstance(section, dict) or not isinstance(section.get("questions"), list):
        return section
    questions = [
        {**q, "grade_scale": scale}
        if isinstance(q, dict)
        and q.get("type") in (QuestionType.GRADE.value, LEGACY_GRADE_TYPE)
        and q.get("grade_scale") is None
        else q
        for q in section["questions"]
    ]
    return {**section, "questions": questions}


RATIONALE_SUFFIX = "__rationale"
EVIDENCE_SUFFIX = "__evidence"


def rationale_id(question: Question) -> str:
    """The input id of the written rationale a grade question may need."""
    return question.id + RATIONALE_SUFFIX


def evidence_id(question: Question) -> str:
    """The input id of a question's evidence box."""
    return question.id + EVIDENCE_SUFFIX
