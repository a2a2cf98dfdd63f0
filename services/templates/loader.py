"""Load and validate template files; every problem names the file, the line and the field.

A template's grades are data too: ``grade_scale`` names a scale file in ``data/grade-scales`` (or
beside the template, in its own ``grade-scales`` folder), or holds a scale written out; a template
with grade questions and no ``grade_scale`` grades on ``ofsted``, Ofsted's four grades.

Wording may name a council's local standard as a placeholder, ``{referral_decision_hours}``; the
loader fills it in from a plain mapping (the organisation's settings, by default the framework's
own values) so no figure is baked into a template. An unknown placeholder is a problem like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from views.templates import LEGACY_GRADE_TYPE, GradeBand, GradeScale, QuestionType, Template

DATA_DIR = Path(__file__).resolve().parent / "data"
Path_ = tuple[str | int, ...]
FILE_NAME = re.compile(r"^(?P<id>[a-z][a-z0-9-]*)\.v(?P<version>\d+)\.ya?ml$")
"""A template file's name: ``<id>.v<version>.yaml``."""

SEED_LOCAL_STANDARDS: Mapping[str, str] = MappingProxyType(
    {
        "referral_decision_hours": "24",
        "assessment_timescale": "the agreed timescale",
        "review_cadence": "in accordance with statutory/procedural requirements",
    }
)
"""The framework's own local standards (Appendix 1), used where no organisation settings are given:
referral decisions within 24 hours of the contact record, assessments within the agreed timescale,
plans reviewed in accordance with statutory/procedural requirements."""

GRADE_SCALES = "grade-scales"
"""The folder of grade scale files (``<id>.yaml``), beside the templates."""
DEFAULT_GRADE_SCALE = "ofsted"
"""The scale of a template that names none: Ofsted's four grades."""

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
"""``{name}`` in a template's wording: the value of the local standard ``name``."""


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


class TemplateError(ValueError):
    """A template file that cannot be used; ``problems`` lists each (line, field, message)."""

    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        lines = [f"{file.name}:{p.line}: {p.field or '(top)'}: {p.message}" for p in problems]
        super().__init__("\n".join(lines))


def load_template(file: Path, local_standards: Mapping[str, str] = SEED_LOCAL_STANDARDS) -> Template:
    """Read one YAML template, fill in its local standards, check it and return it (or raise
    ``TemplateError``)."""
    try:
        node = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise TemplateError(file, [Problem(line, "", f"not valid YAML: {getattr(error, 'problem', error)}")]) from None
    if node is None:
        raise TemplateError(file, [Problem(1, "", "the file is empty")])
    lines: dict[Path_, int] = {}
    data = _to_python(node, (), lines)
    problems: list[Problem] = []
    data = _fill_placeholders(data, (), lines, local_standards, problems)
    data = _with_grade_scale(data, file, lines, problems)
    if problems:
        raise TemplateError(file, problems)
    try:
        template = Template.model_validate(data)
    except ValidationError as error:
        raise TemplateError(file, [_problem(e["loc"], e["msg"], lines) for e in error.errors()]) from None
    _check_file_name(file, template, lines)
    return template


def _with_grade_scale(data: Any, file: Path, lines: dict[Path_, int], problems: list[Problem]) -> Any:
    """``data`` with its ``grade_scale`` written out: a named scale read from its file, the default
    scale for a template with grade questions that names none."""
    if not isinstance(data, dict):
        return data
    name = data.get("grade_scale")
    if name is None:
        if not _has_grade_questions(data):
            return data
        name = DEFAULT_GRADE_SCALE
    if not isinstance(name, str):
        return data
    for folder in (file.parent / GRADE_SCALES, DATA_DIR / GRADE_SCALES):
        scale_file = folder / f"{name}.yaml"
        if scale_file.is_file():
            return {**data, "grade_scale": _read_scale(scale_file, lines, problems)}
    problems.append(Problem(lines.get(("grade_scale",), 1), "grade_scale", f"no grade scale file {name}.yaml"))
    return data


def _read_scale(file: Path, lines: dict[Path_, int], problems: list[Problem]) -> Any:
    """A grade scale file's data, checked on its own so a mistake in it is named once, with its file."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        GradeScale.model_validate(data)
    except yaml.YAMLError as error:
        problems.append(
            Problem(lines.get(("grade_scale",), 1), "grade_scale", f"{file.name} is not valid YAML: {error}")
        )
    except ValidationError as error:
        for e in error.errors():
            where = _format_path(tuple(e["loc"])) or "(top)"
            message = e["msg"].removeprefix("Value error, ")
            problems.append(Problem(lines.get(("grade_scale",), 1), "grade_scale", f"{file.name}: {where}: {message}"))
    else:
        return data
    return None


def _has_grade_questions(data: dict[str, Any]) -> bool:
    grade_types = (QuestionType.GRADE.value, LEGACY_GRADE_TYPE)
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    return any(
        isinstance(question, dict) and question.get("type") in grade_types
        for section in sections
        if isinstance(section, dict) and isinstance(section.get("questions"), list)
        for question in section["questions"]
    )


def _check_file_name(file: Path, template: Template, lines: dict[Path_, int]) -> None:
    match = FILE_NAME.match(file.name)
    expected = f"{template.id}.v{template.version}.yaml"
    if match is None or (match["id"], int(match["version"])) != (template.id, template.version):
        raise TemplateError(file, [Problem(lines.get(("id",), 1), "id", f"the file must be named {expected}")])


def _to_python(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    """Build plain Python data from a composed YAML node, remembering each value's line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(" ").construct_object(key_node)
            result[key] = _to_python(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, index), lines) for index, item in enumerate(node.value)]
    return yaml.SafeLoader(" ").construct_object(node)


def _fill_placeholders(
    value: Any, path: Path_, lines: dict[Path_, int], local_standards: Mapping[str, str], problems: list[Problem]
) -> Any:
    """``value`` with every ``{name}`` in its strings replaced by that local standard; a name
    ``local_standards`` does not hold is added to ``problems`` at its line and field."""
    if isinstance(value, dict):
        return {k: _fill_placeholders(v, (*path, k), lines, local_standards, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_placeholders(v, (*path, i), lines, local_standards, problems) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def standard(match: re.Match[str]) -> str:
        name = match[1]
        if name in local_standards:
            return str(local_standards[name])
        known = ", ".join(f"{{{known}}}" for known in sorted(local_standards)) or "none"
        problems.append(
            Problem(lines.get(path, 1), _format_path(path), f"unknown placeholder {{{name}}}; known: {known}")
        )
        return match[0]

    return PLACEHOLDER.sub(standard, value)


def _problem(loc: tuple[Any, ...], message: str, lines: dict[Path_, int]) -> Problem:
    """Map a pydantic error location onto the YAML (a missing field is named under its parent)."""
    path: Path_ = ()
    for part in loc:
        if (*path, part) in lines:
            path = (*path, part)
    field = _format_path(path)
    last = loc[-1] if loc else None
    if message == "Field required" and isinstance(last, str) and path[-1:] != (last,):
        field = _format_path((*path, last))
    return Problem(lines.get(path, 1), field, message.removeprefix("Value error, "))


def _format_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class TemplateLibrary:
    """Every template in a folder, by (id, version); the newest version by id alone."""

    def __init__(self, templates: list[Template]) -> None:
        self._by_key = {(t.id, t.version): t for t in templates}
        self._check_grades_mean_one_thing()

    def grade_scales(self) -> list[GradeScale]:
        """Every grade scale the templates use (template or question), each once, in template order."""
        scales: dict[str, GradeScale] = {}
        for template in self:
            for scale in template.grade_scales():
                scales.setdefault(scale.id, scale)
        return list(scales.values())

    def _check_grades_mean_one_thing(self) -> None:
        """Reports count grades by their stored value, so a value must mean the same in every scale."""
        meaning: dict[str, tuple[str, GradeBand | None]] = {}
        for scale in self.grade_scales():
            for grade in scale.grades:
                seen = meaning.setdefault(grade.value, (scale.id, grade.counts_as))
                if seen[1] != grade.counts_as:
                    raise ValueError(
                        f"grade {grade.value!r} counts as {seen[1] or 'neither'} in scale {seen[0]!r} but as "
                        f"{grade.counts_as or 'neither'} in scale {scale.id!r}; give one of them another value"
                    )

    @classmethod
    def from_folder(
        cls, folder: Path = DATA_DIR, local_standards: Mapping[str, str] = SEED_LOCAL_STANDARDS
    ) -> TemplateLibrary:
        """Every template in ``folder``, its wording filled in from ``local_standards``."""
        templates, problems = [], []
        for file in sorted(folder.glob("*.y*ml")):
            try:
                templates.append(load_template(file, local_standards))
            except TemplateError as error:
                problems.append(str(error))
        if problems:
            raise ValueError("Some templates cannot be used:\n" + "\n".join(problems))
        return cls(templates)

    def get(self, template_id: str, version: int | None = None) -> Template:
        if version is not None:
            return self._by_key[(template_id, version)]
        versions = [v for (i, v) in self._by_key if i == template_id]
        if not versions:
            raise KeyError(template_id)
        return self._by_key[(template_id, max(versions))]

    def __iter__(self) -> Iterator[Template]:
        return iter(sorted(self._by_key.values(), key=lambda t: (t.id, t.version)))

    def latest(self) -> list[Template]:
        return [self.get(template_id) for template_id in sorted({i for (i, _) in self._by_key})]
