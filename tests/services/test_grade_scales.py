"""Grade scales as template data: the shipped default (Ofsted's four), a council's own scale of
three grades loaded from its files, the mistakes a scale file can hold, and a three-grade audit
carried from grading through moderation into the QIM report and digest, against real databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cards import audit as audit_cards
from cards import digest as digest_cards
from qop.app import build_services
from qop.settings import Settings
from services.audits.moderation import ModerationRule, outcome_of
from services.audits.parts import PartnerLinks, build_audits
from services.clock import FrozenClock
from services.digest.findings import digest_findings
from services.digest.report import render_html, sections
from services.digest.service import DigestService
from services.feedback.tokens import Signer
from services.templates import TemplateError, TemplateLibrary, load_template
from storage.models import AuditGrade
from tests.support.audits import card_text, make_audit_org, send_reflection, valid_answers
from tests.support.card_catalogue.audits import SUMMARY
from tests.support.grade_scales import THREE_GRADE_AUDIT, THREE_GRADE_SCALE, write_three_grade_files
from views.audits import AuditPage, ModerationForm, SubmittedAudit
from views.digest import GradeTargets
from views.templates import GradeBand, QuestionType

SHIPPED = TemplateLibrary.from_folder()
OMAR, MORGAN = "29:user-4", "29:user-7"


def test_a_template_naming_no_scale_grades_on_ofsted_s_four_with_their_descriptors() -> None:
    overall = SHIPPED.get("standard-collaborative-audit").overall_grade_question
    assert overall is not None and overall.type == QuestionType.GRADE, "'grade4' in the file still loads"
    scale = overall.grade_scale
    assert scale is not None and scale.id == "ofsted"
    assert list(scale.labels.values()) == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert all(g.descriptor for g in scale.grades)
    assert scale.in_band(GradeBand.GOOD_OR_BETTER) == {"outstanding", "good"}
    assert scale.in_band(GradeBand.INADEQUATE) == {"inadequate"}
    assert overall.rationale_needed_for == ("outstanding", "inadequate")
    assert scale.always_moderated == {"outstanding", "inadequate"}
    assert [s.id for s in SHIPPED.grade_scales()] == ["ofsted"]


def test_a_council_s_three_grade_scale_loads_from_its_own_files(tmp_path: Path) -> None:
    template = load_template(write_three_grade_files(tmp_path))
    question = template.question("practice_grade")
    assert question.allowed_values == {"strong": "Strong", "developing": "Developing", "weak": "Weak"}
    assert question.rationale_needed_for == ("weak",), "the scale says which grades need a rationale"
    card = card_text(audit_cards.page_card(AuditPage(SUMMARY, template, 0, {})))
    assert "Strong \u2013 The child's needs are understood and met" in card
    assert "Rationale (required for Weak)" in card


def _write(folder: Path, template: dict[str, object], scale: dict[str, object] | None = None) -> Path:
    if scale is not None:
        (folder / "grade-scales").mkdir(exist_ok=True)
        (folder / "grade-scales" / f"{scale['id']}.yaml").write_text(yaml.safe_dump(scale), encoding="utf-8")
    file = folder / f"{template['id']}.v{template['version']}.yaml"
    file.write_text(yaml.safe_dump(template, sort_keys=False), encoding="utf-8")
    return file


def test_scale_mistakes_are_named_with_their_field(tmp_path: Path) -> None:
    missing = _write(tmp_path, {**THREE_GRADE_AUDIT, "grade_scale": "five-point"})
    with pytest.raises(TemplateError, match=r"grade_scale: no grade scale file five-point.yaml"):
        load_template(missing)

    practice = THREE_GRADE_AUDIT["sections"][0]  # type: ignore[index]
    question = {**practice["questions"][1], "rationale_required_for": ["outstanding"]}
    wrong_grade = {
        **THREE_GRADE_AUDIT,
        "sections": [{**practice, "questions": [practice["questions"][0], question]}],
    }
    with pytest.raises(TemplateError, match=r"unknown grade\(s\) \['outstanding'\]; use \['strong'"):
        load_template(_write(tmp_path, wrong_grade, THREE_GRADE_SCALE))

    one_grade = {**THREE_GRADE_SCALE, "id": "one", "grades": THREE_GRADE_SCALE["grades"][:1]}
    with pytest.raises(TemplateError, match=r"grade_scale: one.yaml: grades: List should have at least 2 items"):
        load_template(_write(tmp_path, {**THREE_GRADE_AUDIT, "grade_scale": "one"}, one_grade))


def test_a_grade_value_must_mean_the_same_in_every_scale_reports_count(tmp_path: Path) -> None:
    good_is_middling = {
        **THREE_GRADE_SCALE,
        "id": "muddled",
        "grades": [{**g, "value": "good"} if g["value"] == "strong" else g for g in THREE_GRADE_SCALE["grades"]],
    }
    good_is_middling["grades"][0] = {**good_is_middling["grades"][0], "counts_as": None}
    muddled = load_template(_write(tmp_path, {**THREE_GRADE_AUDIT, "grade_scale": "muddled"}, good_is_middling))
    with pytest.raises(ValueError, match="grade 'good' counts as good_or_better in scale 'ofsted' but as neither"):
        TemplateLibrary([*SHIPPED, muddled])


GRADES_GIVEN = ["strong"] * 5 + ["developing"] * 5 + ["weak"] * 5


async def test_a_three_grade_audit_works_from_grading_to_moderation_and_the_qim_report(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, settings: Settings, tmp_path: Path
) -> None:
    library = TemplateLibrary(
        [load_template(write_three_grade_files(tmp_path)), SHIPPED.get("practitioner-reflection")]
    )
    template = library.get("three-point-audit")
    audits = build_audits(
        sessions=sessions,
        clock=clock,
        templates=library,
        case_reference_pattern=settings.case_reference_pattern,
        moderation_rule=ModerationRule(frozenset({"weak"}), 0.0),
        partner_links=PartnerLinks(Signer(settings.feedback_signing_key), settings.base_url, 14),
    )
    await make_audit_org(sessions)
    rows = "".join(
        f"LCS2000{n:02d},Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk\n"
        for n in range(len(GRADES_GIVEN))
    )
    report = await audits.rounds.start_round_from_csv(
        template_id=template.id,
        due_date=date(2026, 2, 13),
        csv_text="case_ref,team,practitioner,auditor\n" + rows,
        actor_id=None,
    )
    today = clock.now().date()
    for assignment_id, grade in zip(report.created, GRADES_GIVEN, strict=True):
        for page, section in enumerate(template.sections):
            data = valid_answers(section, today, grade=grade)
            await audits.answering.save_page(OMAR, assignment_id, page=page, data=data, move="next")
        await send_reflection(audits, assignment_id)
        done = await audits.submission.submit(OMAR, assignment_id, data={}, idempotency_key=f"k{assignment_id}")
        assert isinstance(done, SubmittedAudit)
        assert done.moderation == ("awaiting moderation" if grade == "weak" else "not selected")
        assert done.overall is not None and done.overall.label_of(done.overall.grade) == grade.capitalize()

    # A moderator raises one Weak audit to Developing, on the same three-grade scale.
    first_weak = report.created[GRADES_GIVEN.index("weak")]
    form = await audits.moderation.open_moderation(MORGAN, first_weak)
    assert isinstance(form, ModerationForm)
    choices = card_text(audit_cards.moderation_card(form))
    assert "Developing \u2013 Sound in parts" in choices and "Outstanding" not in choices
    moderated = await audits.moderation.moderate(
        MORGAN,
        first_weak,
        {
            "moderated_practice_grade": "weak",
            "moderated_overall_grade": "developing",
            "moderation_rationale_overall_grade": "The contingency plan is in the core group minutes.",
        },
    )
    assert isinstance(moderated, SubmittedAudit) and moderated.overall is not None
    assert (moderated.overall.final_grade, moderated.overall.moderation_outcome) == ("developing", "raised")
    assert outcome_of("strong", "weak", template.question("overall_grade").grade_scale) == "lowered"  # type: ignore[arg-type]
    async with sessions() as session:
        stored = sorted(set(await session.scalars(select(AuditGrade.grade))))
    assert stored == ["developing", "strong", "weak"], "grades are stored as the scale's own values"

    # The QIM report counts by the scale's bands and has one column per grade, with the council's targets.
    clock.set(datetime(2026, 4, 8, 9, tzinfo=UTC))
    digests = DigestService(sessions=sessions, clock=clock, library=library, grade_targets=GradeTargets(50.0, 20.0))
    qim = await digests.quarterly("team", "Riverside Locality Team", "2026Q1", actor=None)
    sheets = {name: rows for name, _, rows in sections(qim)}
    grades = sheets["Grades"]
    assert grades[0] == ["Stage", "Strong", "Developing", "Weak", "Good or better (%)"]
    # 5 Strong, 6 Developing (one moderated up), 4 Weak: too few Weak to show, so no shares of them either.
    assert grades[1] == ["Overall", 5, 6, "fewer than 5", 33.3]
    assert sheets["Audits"][1] == ["Riverside Locality Team", 15, 15, 100.0, 5, "fewer than 5"]
    assert sheets["Trend"][-1][-2:] == [50.0, 20.0]
    assert "the 50% goal" in render_html(qim)

    card = card_text(digest_cards.digest_card(qim.digest, digest_findings(qim.digest)))
    assert "Strong" in card and "Outstanding" not in card
    assert "(target: at least 50%)" in card and "(target: at most 20%)" in card


async def test_the_grade_targets_are_the_council_s_settings(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, settings: Settings, engine: AsyncEngine
) -> None:
    await make_audit_org(sessions)
    defaults = build_services(settings, engine, clock=clock)
    qim = await defaults.digests.quarterly("team", "Riverside Locality Team", "2026Q1", actor=None)
    assert qim.digest.targets == GradeTargets(40.0, 10.0), "the framework's short-term goals by default"
    assert "(target: at least 40%)" in render_html(qim) and "(target: at most 10%)" in render_html(qim)
    council = settings.model_copy(
        update={"audit_target_good_or_better_percent": 55.0, "audit_target_inadequate_percent": 5.0}
    )
    qim = await build_services(council, engine, clock=clock).digests.quarterly(
        "team", "Riverside Locality Team", "2026Q1", actor=None
    )
    trend = {name: rows for name, _, rows in sections(qim)}["Trend"]
    assert [row[-2:] for row in trend[1:]] == [[55.0, 5.0]] * 6
    assert "(target: at least 55%)" in render_html(qim) and "(target: at most 5%)" in render_html(qim)


def test_a_scale_marks_its_always_moderated_grades_and_the_setting_overrides_them(tmp_path: Path) -> None:
    grades = [{**g, "always_moderated": g["value"] == "developing"} for g in THREE_GRADE_SCALE["grades"]]
    template = load_template(_write(tmp_path, THREE_GRADE_AUDIT, {**THREE_GRADE_SCALE, "grades": grades}))
    scale = template.question("overall_grade").grade_scale
    by_scale = ModerationRule(None, 0.0)
    assert by_scale.reason_to_moderate([("strong", scale), ("developing", scale)]) == "grade"
    assert by_scale.reason_to_moderate([("weak", scale)]) is None, "Ofsted's marks do not carry over"
    by_setting = ModerationRule(frozenset({"weak"}), 0.0)
    assert by_setting.reason_to_moderate([("weak", scale)]) == "grade"
    assert by_setting.reason_to_moderate([("developing", scale)]) is None, "the setting replaces the scale's marks"
    assert Settings(_env_file=None).audit_moderation_always is None, "unset: each scale says"  # type: ignore[call-arg]
