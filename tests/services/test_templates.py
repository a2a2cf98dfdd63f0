"""Templates are data: every shipped file loads, and a broken one says file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.templates import TemplateError, TemplateLibrary, load_template
from services.templates import answers as a
from services.templates.loader import DATA_DIR
from views.templates import QuestionRole, TemplateKind

SHIPPED = sorted(DATA_DIR.glob("*.yaml"))
APPENDIX_1_STAGES = [
    "Contact and referral",
    "Basic information",
    "Assessment",
    "Planning",
    "Review",
    "Management oversight",
]


@pytest.mark.parametrize("file", SHIPPED, ids=lambda f: f.name)
def test_every_shipped_template_loads(file: Path) -> None:
    template = load_template(file)
    assert file.name == f"{template.key}.yaml"


def test_the_library_ships_the_four_templates_the_framework_needs() -> None:
    library = TemplateLibrary.from_folder()
    kinds = {t.id: t.kind for t in library}
    assert kinds == {
        "standard-collaborative-audit": TemplateKind.AUDIT,
        "practitioner-reflection": TemplateKind.REFLECTION,
        "practice-observation": TemplateKind.OBSERVATION,
        "observation-reflection": TemplateKind.REFLECTION,
        "themed-voice-of-the-child": TemplateKind.AUDIT,
        "multi-agency-audit": TemplateKind.AUDIT,
        "dip-sample-compliance": TemplateKind.AUDIT,
        "staff-pulse": TemplateKind.SURVEY,
        "partner-agency": TemplateKind.SURVEY,
        "family-parent-carer": TemplateKind.SURVEY,
        "family-young-person": TemplateKind.SURVEY,
        "family-child-8-12": TemplateKind.SURVEY,
        "family-child-under-8": TemplateKind.SURVEY,
        "audit-family-feedback": TemplateKind.SURVEY,
    }


def test_the_standard_audit_follows_appendix_1() -> None:
    template = TemplateLibrary.from_folder().get("standard-collaborative-audit")
    titles = [s.title for s in template.sections]
    assert titles[:6] == APPENDIX_1_STAGES
    for section in template.sections[:6]:
        assert section.guidance, f"{section.title} has no 'we would expect to see' guidance"
        grades = [q for q in section.questions if q.role == QuestionRole.SECTION_GRADE]
        assert len(grades) == 1 and grades[0].rationale_required_for == ["outstanding", "inadequate"]
        assert any(q.type == "yes_partly_no_na" for q in section.questions)
    assert len(template.section("across_the_record").questions) == 7
    sos = {q.id for q in template.section("signs_of_safety").questions}
    assert {"worries", "working_well", "needs_to_happen", "auditor_scale"} <= sos
    assert template.overall_grade_question is not None
    [concern] = template.escalation_questions()
    assert concern.escalate_when == ["yes"] and concern.escalation_note == "concern_note"


def _broken(tmp_path: Path, body: str, name: str = "broken.v1.yaml") -> TemplateError:
    file = tmp_path / name
    file.write_text(body)
    with pytest.raises(TemplateError) as caught:
        load_template(file)
    return caught.value


GOOD_HEAD = """\
id: broken
version: 1
title: Broken
kind: audit
sections:
  - id: first
    title: First
    questions:
"""


def test_an_unknown_question_type_names_file_line_and_field(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD_HEAD + "      - id: q1\n        type: stars\n        text: How many?\n")
    [problem] = error.problems
    assert (problem.line, problem.field) == (10, "sections[0].questions[0].type")
    assert str(error).startswith("broken.v1.yaml:10: sections[0].questions[0].type: Input should be")


def test_a_missing_field_is_named_under_its_parent(tmp_path: Path) -> None:
    error = _broken(tmp_path, GOOD_HEAD + "      - id: q1\n        type: free_text\n")
    [problem] = error.problems
    assert problem.field == "sections[0].questions[0].text"
    assert problem.line == 9 and problem.message == "Field required"


def test_rules_across_fields_point_at_the_question(tmp_path: Path) -> None:
    body = GOOD_HEAD + (
        "      - id: q1\n        type: free_text\n        text: Why?\n"
        "      - id: g\n        type: scale\n        text: Grade\n        rationale_required_for: [outstanding]\n"
    )
    [problem] = _broken(tmp_path, body).problems
    assert (problem.line, problem.field) == (12, "sections[0].questions[1]")
    assert "rationale_required_for is only for grade questions" in problem.message


def test_duplicate_ids_unknown_fields_and_bad_yaml_are_reported(tmp_path: Path) -> None:
    duplicate = GOOD_HEAD + "      - {id: q, type: free_text, text: A}\n      - {id: q, type: free_text, text: B}\n"
    assert "used twice" in str(_broken(tmp_path, duplicate))
    unknown = _broken(tmp_path, GOOD_HEAD + "      - {id: q, type: free_text, text: A, colour: red}\n")
    assert unknown.problems[0].field == "sections[0].questions[0].colour"
    assert unknown.problems[0].line == 9
    bad_yaml = _broken(tmp_path, GOOD_HEAD + "      - id: [unclosed\n")
    assert "not valid YAML" in str(bad_yaml) and bad_yaml.problems[0].line >= 9
    assert "must be named broken.v1.yaml" in str(
        _broken(tmp_path, GOOD_HEAD + "      - {id: q, type: free_text, text: A}\n", "other.v2.yaml")
    )


def test_a_folder_with_a_broken_template_refuses_to_load(tmp_path: Path) -> None:
    (tmp_path / "broken.v1.yaml").write_text("id: broken\n")
    with pytest.raises(ValueError, match=r"broken.v1.yaml:1: title: Field required"):
        TemplateLibrary.from_folder(tmp_path)


def test_answers_are_checked_per_field_and_typed() -> None:
    template = TemplateLibrary.from_folder().get("themed-voice-of-the-child")
    sections = template.sections[:2]
    today = date(2026, 1, 12)
    raw = {
        "last_seen": "2026-01-05",
        "seen_alone": "maybe",
        "voice_methods": "direct_work,app",
        "theme_grade": "inadequate",
        "own_words": "yes",
        "junk": "x",
    }
    values = a.extract(sections, raw)
    assert "junk" not in values
    errors = a.check(sections, values, today=today)
    assert errors == {
        "seen_alone": "Please choose one of the options.",
        "views_shaped_plan": "Please answer this question.",
        "explained_to_child": "Please answer this question.",
        "theme_grade__rationale": "An Inadequate grade needs a rationale that cites the evidence.",
    }
    values.update(
        seen_alone="yes",
        views_shaped_plan="partly",
        explained_to_child="no",
        theme_grade__rationale="Plan ignores her views",
    )
    assert a.check(sections, values, today=today) == {}
    typed = a.typed(sections, values)
    assert typed["voice_methods"] == ["direct_work", "app"] and typed["theme_grade"] == "inadequate"


def test_scales_dates_and_lengths_are_checked() -> None:
    reflection = TemplateLibrary.from_folder().get("practitioner-reflection")
    values = {"did_well": "x" * 2001, "worried_about": "a", "difference_made": "b", "practitioner_scale": "11"}
    errors = a.check(reflection.sections, values, today=date(2026, 1, 12))
    assert errors["practitioner_scale"] == "Choose a whole number from 0 to 10."
    assert errors["did_well"].startswith("Please shorten this to 2000 characters")
    assert a.typed(reflection.sections, {"practitioner_scale": "7"}) == {"practitioner_scale": 7}
