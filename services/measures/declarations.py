"""The measures file: the council's Meaningful Measures and, per service area, their indicators.

``deploy/demo/measures.yaml`` and ``docs/measures.md`` document the format. Reading goes through
pydantic with the template loader's line tracking, so every problem names the file, the line and
the field. References to audit templates are checked against the template library here; service
area names are checked against the organisation when the file is loaded (``service.py``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.organisation.source import EMAIL, name_key, parse_role
from services.templates import TemplateLibrary
from services.templates.loader import Path_, Problem, _format_path, _problem, _to_python
from views.templates import ID_PATTERN, SLUG_PATTERN, TemplateKind

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class IndicatorKind(enum.StrEnum):
    QUANTITATIVE = "quantitative"
    """A figure from the case system, imported monthly (``qop measures import``)."""
    QUALITATIVE = "qualitative"
    """Computed by qop from audit answers (dip samples, standard audits)."""


class Unit(enum.StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    DAYS = "days"
    RATE = "rate"


class Direction(enum.StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class AnswerSource(BaseModel):
    """Answers to one audit question, as a share: how many gave a ``counts`` answer, out of those
    that answered anything but an ``excludes`` answer (e.g. "not applicable")."""

    model_config = _STRICT

    template: Annotated[str, Field(pattern=SLUG_PATTERN)]
    question: Annotated[str, Field(pattern=ID_PATTERN)]
    counts: Annotated[list[str], Field(min_length=1)] = ["yes"]
    excludes: list[str] = ["not_applicable"]


class Measure(BaseModel):
    model_config = _STRICT

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""


class Indicator(BaseModel):
    model_config = _STRICT

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    measure: Annotated[str, Field(pattern=ID_PATTERN)]
    kind: IndicatorKind
    unit: Unit
    direction: Direction
    target: float | None = None
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    """How far from the target a figure may be before it is "off target"; also the smallest
    three-month change that counts as moving the wrong way."""
    owner: Annotated[str, Field(min_length=1, max_length=320)]
    """A role (``team manager``) or an e-mail."""
    description: str = ""
    source: AnswerSource | None = None
    """For qualitative indicators: the audit question whose answers make the figure."""
    evidence: list[AnswerSource] = []
    """The other methods' view of the same practice: audit questions to triangulate with."""

    @field_validator("owner")
    @classmethod
    def _a_role_or_an_email(cls, owner: str) -> str:
        if parse_role(owner) is None and not EMAIL.match(owner.lower()):
            raise ValueError(f"owner must be a role (e.g. team manager) or an e-mail, not {owner!r}")
        return owner

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Indicator:
        if self.kind == IndicatorKind.QUALITATIVE:
            if self.source is None:
                raise ValueError("a qualitative indicator needs a source: the audit question that feeds it")
            if self.unit != Unit.PERCENT:
                raise ValueError("a qualitative indicator is a share of answers: its unit is percent")
        elif self.source is not None:
            raise ValueError("only qualitative indicators have a source; quantitative ones are imported")
        if self.unit == Unit.PERCENT and self.target is not None and not 0 <= self.target <= 100:
            raise ValueError("a percent target must be between 0 and 100")
        return self

    def judged_like(self, other: Indicator) -> bool:
        """Whether two declarations of one id (in two service areas) mean the same figure."""
        same = ("name", "measure", "kind", "unit", "direction", "source")
        return all(getattr(self, name) == getattr(other, name) for name in same)


class MeasuresFile(BaseModel):
    model_config = _STRICT

    measures: Annotated[list[Measure], Field(min_length=1)]
    service_areas: dict[str, list[Indicator]]

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def indicators_of(self, area_name: str) -> list[Indicator]:
        """The area's indicators (names match whatever their case or spacing)."""
        for name, indicators in self.service_areas.items():
            if name_key(name) == name_key(area_name):
                return indicators
        return []

    def indicator_ids(self) -> set[str]:
        return {i.id for indicators in self.service_areas.values() for i in indicators}


class MeasuresFileError(ValueError):
    """A measures file that cannot be used; ``problems`` lists each (line, field, message)."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file_name = file_name
        self.problems = problems
        super().__init__("\n".join(f"{file_name}:{p.line}: {p.field or '(top)'}: {p.message}" for p in problems))


@dataclass(frozen=True)
class LoadedFile:
    """A valid file, with where each part of it was written (for later checks against the database)."""

    measures: MeasuresFile
    lines: dict[Path_, int]
    text: str


def read_yaml_with_lines(file_name: str, text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML into plain data and the line of every value, or raise with the line of the fault."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = Problem(line, "", f"not valid YAML: {getattr(error, 'problem', error)}")
        raise MeasuresFileError(file_name, [problem]) from None
    if node is None:
        raise MeasuresFileError(file_name, [Problem(1, "", "the file is empty")])
    lines: dict[Path_, int] = {}
    return _to_python(node, (), lines), lines


def validate_model(model: type[BaseModel], file_name: str, data: Any, lines: dict[Path_, int]) -> Any:
    """``model.model_validate(data)``, with pydantic's errors mapped onto the file's lines."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MeasuresFileError(file_name, [_problem(e["loc"], e["msg"], lines) for e in error.errors()]) from None


def parse_measures(file_name: str, text: str, library: TemplateLibrary) -> LoadedFile:
    """Read and check a measures file (shape, references between its parts, audit templates)."""
    data, lines = read_yaml_with_lines(file_name, text)
    measures = validate_model(MeasuresFile, file_name, data, lines)
    problems = cross_reference_problems(measures, lines, library)
    if problems:
        raise MeasuresFileError(file_name, problems)
    return LoadedFile(measures, lines, text)


def load_measures(file: Path, library: TemplateLibrary) -> LoadedFile:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MeasuresFileError(file.name, [Problem(1, "", f"cannot read the file: {error}")]) from None
    return parse_measures(file.name, text, library)


def problem_at(lines: dict[Path_, int], path: Path_, message: str) -> Problem:
    return Problem(lines.get(path, 1), _format_path(path), message)


def cross_reference_problems(
    measures: MeasuresFile, lines: dict[Path_, int], library: TemplateLibrary
) -> list[Problem]:
    """What pydantic cannot see field by field: unique ids, known measures, one meaning per id,
    audit questions that exist and answers they can have."""
    problems: list[Problem] = []
    measure_ids: set[str] = set()
    for index, measure in enumerate(measures.measures):
        if measure.id in measure_ids:
            problems.append(problem_at(lines, ("measures", index, "id"), f"measure id {measure.id!r} is used twice"))
        measure_ids.add(measure.id)
    first_declaration: dict[str, tuple[Indicator, str]] = {}
    for area, indicators in measures.service_areas.items():
        seen_here: set[str] = set()
        for index, indicator in enumerate(indicators):
            path: Path_ = ("service_areas", area, index)
            if indicator.id in seen_here:
                problems.append(problem_at(lines, (*path, "id"), f"{indicator.id!r} is declared twice in {area}"))
            seen_here.add(indicator.id)
            if indicator.measure not in measure_ids:
                problems.append(problem_at(lines, (*path, "measure"), f"no measure with id {indicator.measure!r}"))
            earlier = first_declaration.setdefault(indicator.id, (indicator, area))
            if earlier[1] != area and not indicator.judged_like(earlier[0]):
                problems.append(
                    problem_at(
                        lines,
                        (*path, "id"),
                        f"{indicator.id!r} is declared in {earlier[1]} with another name, measure, kind, unit, "
                        "direction or source; only target, tolerance and owner may differ between areas",
                    )
                )
            if indicator.source is not None:
                problems += _source_problems(indicator.source, (*path, "source"), lines, library)
            for number, link in enumerate(indicator.evidence):
                problems += _source_problems(link, (*path, "evidence", number), lines, library)
    return problems


def _source_problems(
    source: AnswerSource, path: Path_, lines: dict[Path_, int], library: TemplateLibrary
) -> list[Problem]:
    try:
        template = library.get(source.template)
    except KeyError:
        return [problem_at(lines, (*path, "template"), f"no template {source.template!r}")]
    if template.kind != TemplateKind.AUDIT:
        return [problem_at(lines, (*path, "template"), f"{source.template!r} is not an audit template")]
    try:
        question = template.question(source.question)
    except KeyError:
        return [problem_at(lines, (*path, "question"), f"{source.template!r} has no question {source.question!r}")]
    allowed = question.allowed_values
    if allowed is None:
        return [problem_at(lines, (*path, "question"), f"{source.question!r} has no fixed answers to count")]
    unknown = [a for a in (*source.counts, *source.excludes) if a not in allowed]
    if unknown:
        return [
            problem_at(
                lines, (*path, "counts"), f"{source.question!r} cannot be answered {unknown}; use {sorted(allowed)}"
            )
        ]
    return []
