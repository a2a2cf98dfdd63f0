"""The standard audit says what the framework says: every Appendix 1 "we would expect to see"
statement, stage by stage, and the seven that run through every stage, in the seed's words.

The statements are taken from the framework text (``../shared/seed``) when it is beside the project,
else from the checked-in copy ``tests/data/appendix-1-statements.json``; a test keeps the copy equal
to the seed. Regenerate the copy with ``python -m tests.services.test_template_seed_wording``.
A template line that differs from the seed on purpose is listed in ``DELIBERATE_DIFFERENCES`` with
its reason; anything else that differs (missing, reworded or added) fails.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from qop.app import build_services
from qop.settings import Settings
from services.templates import TemplateError, TemplateLibrary, load_template
from services.templates.loader import DATA_DIR, SEED_LOCAL_STANDARDS
from tests.support.env import PROJECT_ROOT, SHARED
from views.templates import QuestionType, Template

SEED_FILE = SHARED / "seed" / "quality-of-practice-framework.txt"
COPY_FILE = PROJECT_ROOT / "tests" / "data" / "appendix-1-statements.json"

STAGE_SECTIONS = {
    "Contact/Referral": "contact_referral",
    "Basic information": "basic_information",
    "Assessment": "assessment",
    "Planning": "planning",
    "Review": "review",
    "Management oversight": "management_oversight",
}
"""Appendix 1's stage columns, in order, and the standard audit's section for each."""
EVERY_STAGE_SECTION = "across_the_record"


@dataclass(frozen=True)
class Difference:
    template: tuple[str, ...]
    """The template's line(s) in place of the seed's statement."""
    reason: str


DELIBERATE_DIFFERENCES: dict[str, Difference] = {
    (
        "Consistent evidence in all contact records: - The triage manager provides an overview of the referral,"
        " clear direction for any required actions, appropriate to the concern. - The triage worker has made the"
        " necessary enquiries, recorded the information using the domains of analysis, made a judgement which is"
        " based on fact and specific behaviours (draft DS and SG) including a scale and proposed next steps."
    ): Difference(
        template=(
            "Consistent evidence in all contact records: the triage manager provides an overview of the referral,"
            " clear direction for any required actions, appropriate to the concern.",
            "Consistent evidence in all contact records: the triage worker has made the necessary enquiries,"
            " recorded the information using the domains of analysis, made a judgement which is based on fact and"
            " specific behaviours (draft DS and SG) including a scale and proposed next steps.",
        ),
        reason=(
            "The seed nests two sub-points under one lead-in; the card shows guidance as one flat list, so each"
            " sub-point is its own line carrying the lead-in. Same words, same meaning."
        ),
    ),
}
"""Seed statement (as extracted) -> what the template says instead, and why."""


# -- reading Appendix 1 ----------------------------------------------------------------------------


def extract_appendix_1(text: str) -> dict[str, Any]:
    """Appendix 1's statements: ``every_stage`` (the list above the table) and ``stages`` (each
    column of the table, top to bottom).

    The table comes from a document conversion: each row is one line of six tab-separated cells,
    a statement may run on from one row's cell into the next row's, bullets are ``▪`` inside HTML
    list markup, and rows of dashes separate header and body."""
    start, end = text.index("\nAPPENDIX 1\n"), text.index("\nAPPENDIX 2\n")
    lines = text[start:end].splitlines()
    header = next(i for i, line in enumerate(lines) if line.split("\t")[0] == "Contact/Referral")
    stages = lines[header].split("\t")
    every_stage = [line[2:].strip() for line in lines[:header] if line.startswith("- ")]
    columns: list[list[str]] = [[] for _ in stages]
    for line in lines[header + 1 :]:
        if not line.strip() or re.fullmatch(r"[-\t ]+", line):
            continue
        cells = line.split("\t")
        assert len(cells) == len(stages), f"a table row with {len(cells)} cells: {line[:60]!r}"
        for column, cell in zip(columns, cells, strict=True):
            column.append(cell)
    statements = {}
    for stage, cells in zip(stages, columns, strict=True):
        flowing = " ".join(re.sub(r"<[^>]+>", " ", " ".join(cells)).split())
        statements[stage] = [s.strip() for s in flowing.split("\u25aa") if s.strip()]
    return {"every_stage": every_stage, "stages": statements}


def seed_statements() -> dict[str, Any]:
    """From the seed when it is here, else from the checked-in copy."""
    if SEED_FILE.exists():
        return extract_appendix_1(SEED_FILE.read_text(encoding="utf-8"))
    return json.loads(COPY_FILE.read_text(encoding="utf-8"))


def every_statement(seed: dict[str, Any]) -> list[str]:
    return [*seed["every_stage"], *(s for stage in seed["stages"].values() for s in stage)]


def normalise(text: str) -> str:
    """Wording only: case, curly quotes, punctuation, hyphens and spacing do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    return " ".join(re.sub(r"[^a-z0-9']+", " ", text).split())


def expected_lines(statements: list[str]) -> list[str]:
    """The seed's statements as the template should carry them (deliberate differences applied)."""
    lines: list[str] = []
    for statement in statements:
        difference = DELIBERATE_DIFFERENCES.get(statement)
        lines += difference.template if difference else [statement]
    return lines


def standard() -> Template:
    """The standard audit new rounds take, worded with the framework's own local standards."""
    return TemplateLibrary.from_folder().get("standard-collaborative-audit")


# -- the seed, the copy and the extraction ---------------------------------------------------------


def test_the_checked_in_copy_is_what_the_seed_says() -> None:
    if not SEED_FILE.exists():
        pytest.skip(f"the framework text is not beside the project ({SEED_FILE}); the copy stands in for it")
    extracted = extract_appendix_1(SEED_FILE.read_text(encoding="utf-8"))
    copy = json.loads(COPY_FILE.read_text(encoding="utf-8"))
    assert {k: copy[k] for k in ("every_stage", "stages")} == extracted, (
        "the seed changed: run python -m tests.services.test_template_seed_wording and review the template"
    )


def test_the_extraction_finds_six_stages_and_the_seven_that_run_through_them() -> None:
    seed = seed_statements()
    assert list(seed["stages"]) == list(STAGE_SECTIONS)
    assert len(seed["every_stage"]) == 7
    assert [len(s) for s in seed["stages"].values()] == [8, 2, 11, 4, 11, 7]
    contact = seed["stages"]["Contact/Referral"]
    assert any("within 24-hours of the contact record being created" in s for s in contact)
    assert any(
        s.startswith("Consistent appropriate application of thresholds by locality teams")
        for s in seed["stages"]["Assessment"]
    )
    assert any("practice champion" in s for s in seed["stages"]["Management oversight"])
    assert all("<" not in s and "\u25aa" not in s and "\t" not in s for s in every_statement(seed))


# -- the template against the seed ------------------------------------------------------------------


@pytest.mark.parametrize("stage", [*STAGE_SECTIONS, "every stage"])
def test_each_stage_carries_every_statement_in_the_seeds_words(stage: str) -> None:
    seed = seed_statements()
    if stage == "every stage":
        statements, section_id = seed["every_stage"], EVERY_STAGE_SECTION
    else:
        statements, section_id = seed["stages"][stage], STAGE_SECTIONS[stage]
    wanted = [normalise(line) for line in expected_lines(statements)]
    carried = [normalise(line) for line in standard().section(section_id).guidance]
    missing = [line for line in wanted if line not in carried]
    added = [line for line in carried if line not in wanted]
    assert (missing, added) == ([], []), f"{stage}: missing from the template {missing}; not in the seed {added}"
    assert carried == wanted, f"{stage}: the statements are in a different order from the seed's"


def test_every_deliberate_difference_names_a_seed_statement_and_a_reason() -> None:
    seed = seed_statements()
    statements = every_statement(seed)
    for statement, difference in DELIBERATE_DIFFERENCES.items():
        assert statement in statements, f"no longer in the seed, so no longer a difference: {statement[:60]!r}"
        assert difference.reason.strip() and difference.template


def test_the_comparison_notices_a_changed_statement() -> None:
    """The comparison must fail on a meaning change, not only on a missing line."""
    seed = seed_statements()["stages"]["Contact/Referral"]
    drifted = [s.replace("within 24-hours", "within one working day") for s in seed]
    assert [normalise(s) for s in expected_lines(drifted)] != [normalise(s) for s in expected_lines(seed)]
    assert normalise("24-hours") == normalise("24 hours") and normalise("child\u2019s") == normalise("child's")


def test_every_stage_says_the_statements_are_a_guide_not_a_checklist() -> None:
    template = standard()
    for section_id in STAGE_SECTIONS.values():
        intro = normalise(template.section(section_id).intro or "")
        assert "examples of the quality required to meet the practice expectations" in intro
        assert "a guide to support consistency not a checklist of the only activity that would take place" in intro


def test_every_stage_takes_a_narrative_judgement_as_well_as_answers_and_a_grade() -> None:
    template = standard()
    for section_id in STAGE_SECTIONS.values():
        section = template.section(section_id)
        narrative = [q for q in section.questions if q.type == QuestionType.FREE_TEXT]
        assert len(narrative) == 1 and not narrative[0].required, f"{section_id} has no optional narrative"
        assert "what did you find" in normalise(narrative[0].text)


# -- local standards ---------------------------------------------------------------------------------


COUNCIL = {
    "referral_decision_hours": "48",
    "assessment_timescale": "35 working days of the referral",
    "review_cadence": "at least every 3 months",
}


def test_local_standards_fill_the_wording_of_the_standard_audit_and_the_dip_sample() -> None:
    library = TemplateLibrary.from_folder(local_standards=COUNCIL)
    audit = library.get("standard-collaborative-audit")
    assert "within 48 hours of the contact record being created" in audit.question("referral_decided_in_time").text
    assert any("within 48 hours of the contact record" in line for line in audit.section("contact_referral").guidance)
    assert (
        audit.question("assessment_in_timescale").text
        == "Was the assessment completed within 35 working days of the referral?"
    )
    assert "reviewed at least every 3 months" in audit.question("review_in_timescale").text
    dip = library.get("dip-sample-compliance")
    assert "within 48 hours" in dip.question("referral_decision_in_time").text
    assert dip.question("assessment_in_agreed_timescale").text.endswith("within 35 working days of the referral")


def test_new_rounds_get_version_2_and_old_answers_keep_version_1s_wording() -> None:
    library = TemplateLibrary.from_folder()
    for template_id in ("standard-collaborative-audit", "dip-sample-compliance"):
        assert library.get(template_id).version == 2, "a new round takes the newest version"
    old = library.get("standard-collaborative-audit", 1)
    assert "one working day" in old.question("referral_decided_in_time").text
    assert "45 working days" in old.question("assessment_in_timescale").text


def raw(name: str) -> dict[str, Any]:
    """A template file as written, before the loader fills in local standards."""
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def test_no_figure_is_written_into_the_wording_where_a_local_standard_belongs() -> None:
    """The standard audit names no timescale of its own; the dip sample's referral decision and
    assessment checks take theirs from settings (its statutory timescales stay written out)."""
    standard_text = json.dumps(raw("standard-collaborative-audit.v2.yaml"))
    assert not re.findall(r"\d+[ -]*(?:working )?(?:hours?|days?|weeks?|months?)|one working day", standard_text)
    for placeholder in ("{referral_decision_hours}", "{assessment_timescale}", "{review_cadence}"):
        assert placeholder in standard_text
    dip = {q["id"]: q["text"] for s in raw("dip-sample-compliance.v2.yaml")["sections"] for q in s["questions"]}
    assert "{referral_decision_hours} hours" in dip["referral_decision_in_time"]
    assert dip["assessment_in_agreed_timescale"].endswith("within {assessment_timescale}")


def test_the_settings_default_to_the_frameworks_own_local_standards() -> None:
    assert Settings.model_construct().local_standards == dict(SEED_LOCAL_STANDARDS)
    with pytest.raises(ValueError, match="referral_decision_hours"):
        Settings(_env_file=None, referral_decision_hours=0)


async def test_the_composition_root_words_the_audits_with_the_councils_settings(
    settings: Settings, engine: AsyncEngine
) -> None:
    council = settings.model_copy(update={"referral_decision_hours": 48, "review_cadence": "at least every 3 months"})
    audits = build_services(council, engine).audits
    [standard_audit] = [t for t in audits.audit_templates() if t.id == "standard-collaborative-audit"]
    assert standard_audit.version == 2
    assert "within 48 hours of the contact record" in standard_audit.question("referral_decided_in_time").text
    assert "reviewed at least every 3 months" in standard_audit.question("review_in_timescale").text
    assert "the agreed timescale" in standard_audit.question("assessment_in_timescale").text, "unset: the default"


def test_an_unknown_placeholder_names_the_file_line_and_field(tmp_path: Path) -> None:
    file = tmp_path / "broken.v1.yaml"
    file.write_text(
        "id: broken\nversion: 1\ntitle: Broken\nkind: audit\nsections:\n  - id: first\n    title: First\n"
        "    questions:\n      - id: q1\n        type: yes_partly_no_na\n"
        "        text: Decided within {referal_decision_hours} hours?\n"
    )
    with pytest.raises(TemplateError) as caught:
        load_template(file)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (11, "sections[0].questions[0].text")
    assert problem.message.startswith("unknown placeholder {referal_decision_hours}; known: {assessment_timescale}")
    assert load_template(file, {"referal_decision_hours": "24"}).question("q1").text == "Decided within 24 hours?"


def write_copy() -> None:
    """Write the checked-in copy from the seed (run when the framework text changes)."""
    statements = extract_appendix_1(SEED_FILE.read_text(encoding="utf-8"))
    source = {"source": "quality-of-practice-framework.txt, Appendix 1 (extracted by " + Path(__file__).name + ")"}
    COPY_FILE.parent.mkdir(parents=True, exist_ok=True)
    COPY_FILE.write_text(json.dumps(source | statements, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_copy()
