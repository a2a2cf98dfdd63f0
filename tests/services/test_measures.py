"""Measures against real databases: loading the file, importing real extracts (CSV and XLSX),
dip-sample answers from real audit submissions, and the triangulated overview."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from qop.cli import cli
from qop.settings import PROJECT_ROOT
from services.container import Services
from services.measures import MeasuresFileError, MeasuresService, NoMeasures, UnreadableExtract
from services.templates import TemplateLibrary
from storage.models import IndicatorImportBatch, IndicatorValue, MeasureDeclaration, Team
from tests.support.audits import make_audit_org, send_reflection, valid_answers
from tests.support.extracts import chat_like_workbook
from tests.support.organisation import DEMO_FILE

DATA = PROJECT_ROOT / "tests" / "data" / "measures"
DEMO_MEASURES = PROJECT_ROOT / "deploy" / "demo" / "measures.yaml"
MAPPINGS = PROJECT_ROOT / "deploy" / "demo" / "mappings"
LONG_MAPPING = MAPPINGS / "liquidlogic.yaml"
WIDE_MAPPING = MAPPINGS / "chat-workbook.yaml"
LIBRARY = TemplateLibrary.from_folder()
DIP = LIBRARY.get("dip-sample-compliance")
JANUARY = date(2026, 1, 1)
WIDE = {"COLUMNS": "200"}


def measures_service(services: Services, *, min_cases: int = 5) -> MeasuresService:
    return MeasuresService(
        sessions=services.sessions,
        clock=services.clock,
        library=LIBRARY,
        time_zone=services.time_zone,
        min_cases_to_compare=min_cases,
    )


async def demo_measures(services: Services) -> MeasuresService:
    await services.organisation.import_file(DEMO_FILE)
    measures = measures_service(services)
    await measures.load_file(DEMO_MEASURES)
    return measures


async def stored_values(sessions) -> list[tuple[str, str, date, float, int | None]]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        rows = await session.execute(
            select(
                IndicatorValue.indicator_key,
                Team.name,
                IndicatorValue.month,
                IndicatorValue.value,
                IndicatorValue.batch_id,
            )
            .join(Team, Team.id == IndicatorValue.team_id)
            .order_by(IndicatorValue.indicator_key, Team.name, IndicatorValue.month)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_loading_refuses_service_areas_the_organisation_does_not_have(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    measures = measures_service(services)
    with pytest.raises(NoMeasures):
        await measures.overview()
    await services.organisation.import_file(DEMO_FILE)
    file = tmp_path / "measures.yaml"
    file.write_text(
        textwrap.dedent(
            """\
            measures: [{id: safe, name: Children are safe}]
            service_areas:
              First Contact: []
              Youth Justice: []
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(MeasuresFileError) as refused:
        await measures.load_file(file)
    assert str(refused.value) == (
        "measures.yaml:4: service_areas.Youth Justice: no active service area called 'Youth Justice' in the organisation"
    )
    report = await measures.load_file(DEMO_MEASURES, dry_run=True)
    assert (report.measures, report.indicators, report.dry_run) == (5, 17, True)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MeasureDeclaration)) == 0
    assert (await measures.load_file(DEMO_MEASURES)).changed
    again = await measures.load_file(DEMO_MEASURES)
    assert not again.changed, "the same file again is already in force"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MeasureDeclaration)) == 1


async def test_a_long_csv_extract_imports_once_and_again_replaces_the_same_figures(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    measures = await demo_measures(services)

    dry = await measures.import_extract(DATA / "liquidlogic-good.csv", LONG_MAPPING, dry_run=True)
    assert (dry.rejected, len(dry.values), dry.written) == (False, 7, 0)
    assert await stored_values(sessions) == [], "a dry run writes nothing"

    first = await measures.import_extract(DATA / "liquidlogic-good.csv", LONG_MAPPING)
    assert (first.written, first.replaced) == (7, 0)
    stored = await stored_values(sessions)
    assert [row[:4] for row in stored] == [
        ("caseload_average", "Moorside Locality Team", JANUARY, 16.0),
        ("caseload_average", "Riverside Locality Team", JANUARY, 19.5),
        ("re_referrals_12_months", "Front Door", JANUARY, 17.2),
        ("referral_decisions_24h", "Front Door", date(2025, 11, 1), 94.0),
        ("referral_decisions_24h", "Front Door", date(2025, 12, 1), 92.5),
        ("referral_decisions_24h", "Front Door", JANUARY, 91.0),
        ("seen_alone_last_visit", "Riverside Locality Team", JANUARY, 82.0),
    ], "the blank assessments figure is no data, not 0"

    again = await measures.import_extract(DATA / "liquidlogic-good.csv", LONG_MAPPING)
    assert (again.written, again.replaced) == (7, 7)
    restored = await stored_values(sessions)
    assert [row[:4] for row in restored] == [row[:4] for row in stored]
    assert {row[4] for row in restored} == {again.batch_id} != {first.batch_id}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(IndicatorImportBatch)) == 2

    # The whole service: caseload is the mean of the two teams that sent one (of the three teams
    # whose areas declare it), and Early Help's target (15) is not Locality's (18): no one target.
    service = await measures.overview(month=JANUARY)
    workforce = next(m for m in service.measures if m.measure_id == "workforce")
    caseload = next(s for s in workforce.indicators if s.key == "caseload_average")
    assert (caseload.value, caseload.teams_reporting, caseload.teams_in_scope) == (17.75, 2, 3)
    assert (caseload.target, caseload.off_target) == (None, False)
    front_door = await measures.overview(team="Front Door", month=JANUARY)
    safe = next(m for m in front_door.measures if m.measure_id == "safe")
    referrals = next(s for s in safe.indicators if s.key == "referral_decisions_24h")
    assert (referrals.value, referrals.change, referrals.wrong_way, referrals.off_target) == (91.0, -3.0, True, True)
    assert [w.indicator.key for w in safe.worries] == ["referral_decisions_24h"]


async def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    measures = await demo_measures(services)
    report = await measures.import_extract(DATA / "liquidlogic-bad.csv", LONG_MAPPING)
    assert report.rejected and report.written == 0
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "unknown team 'Nowhere Team'"),
        (4, "unknown indicator 'PI-UNKNOWN' (not in the measures file or the mapping)"),
        (5, "month 2026-03 is in the future"),
        (6, "'ninety' in column 'Result' is not a number"),
        (7, "104 in column 'Result' is a percent outside 0-100"),
        (8, "duplicate: referral_decisions_24h for Front Door in 2026-01 is already on line 2"),
        (9, "month 'Smarch 2026' is not a month (write 2026-03 or Mar 2026)"),
        (
            10,
            "'referral_decisions_24h' is not an indicator of Locality social work "
            "(Riverside Locality Team's service area)",
        ),
        (11, "'dip_referral_decisions' is computed by qop from audit answers; it is not imported"),
        (12, "-3 in column 'Result' is negative; a count cannot be"),
    ]
    assert await stored_values(sessions) == [], "the good row on line 2 is not written either"


async def test_a_chat_like_workbook_with_title_rows_and_percent_cells_imports(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    measures = await demo_measures(services)
    workbook = chat_like_workbook(
        [
            ["Front Door", datetime(2025, 12, 1), 0.935, 0.19, None, None],
            ["Riverside Locality Team", datetime(2025, 12, 1), None, None, 18, 0.12],
        ]
    )
    sheet = workbook.active
    for row in (4, 5):
        for column in "CDF":
            sheet[f"{column}{row}"].number_format = "0.0%"
    file = tmp_path / "chat.xlsx"
    workbook.save(file)

    report = await measures.import_extract(file, WIDE_MAPPING)
    assert (report.rejected, report.written) == (False, 4)
    assert [row[:4] for row in await stored_values(sessions)] == [
        ("agency_staff_rate", "Riverside Locality Team", date(2025, 12, 1), pytest.approx(12.0)),
        ("caseload_average", "Riverside Locality Team", date(2025, 12, 1), 18.0),
        ("re_referrals_12_months", "Front Door", date(2025, 12, 1), pytest.approx(19.0)),
        ("referral_decisions_24h", "Front Door", date(2025, 12, 1), pytest.approx(93.5)),
    ]

    sheet["C4"] = "n/a"
    sheet["A5"] = "Riverbank Team"
    workbook.save(file)
    bad = await measures.import_extract(file, WIDE_MAPPING)
    assert [(p.line, p.reason) for p in bad.problems] == [
        (4, "'n/a' in column 'Referral decisions within 24 hours (%)' is not a number"),
        (5, "unknown team 'Riverbank Team'"),
    ], "an unknown team is one problem on its line, not one per figure"

    with pytest.raises(UnreadableExtract, match="has no column"):
        await measures.import_extract(DATA / "liquidlogic-good.csv", WIDE_MAPPING)


async def answer_dip_sample(services: Services, assignment_id: int, auditor: str, referral_decision: str) -> None:
    today = services.clock.now().date()
    for page, section in enumerate(DIP.sections):
        answers = valid_answers(section, today)
        if "referral_decision_in_time" in answers:
            answers["referral_decision_in_time"] = referral_decision
        await services.audits.answering.save_page(auditor, assignment_id, page=page, data=answers, move="next")
    await send_reflection(services.audits, assignment_id)
    await services.audits.submission.submit(auditor, assignment_id, data={}, idempotency_key=f"dip-{assignment_id}")


DIP_MEASURES = """\
measures:
  - {id: safe, name: Children are safe}
service_areas:
  Children in Care:
    - id: referral_decisions_24h
      name: Referral decisions within 24 hours
      measure: safe
      kind: quantitative
      unit: percent
      direction: higher_is_better
      target: 95
      tolerance: 2
      owner: team manager
      evidence:
        - {template: dip-sample-compliance, question: referral_decision_in_time}
    - id: dip_referral_decisions
      name: "Dip sample: referral decided within 1 working day"
      measure: safe
      kind: qualitative
      unit: percent
      direction: higher_is_better
      target: 95
      tolerance: 5
      owner: team manager
      source: {template: dip-sample-compliance, question: referral_decision_in_time}
"""


async def test_dip_sample_answers_become_monthly_team_figures_and_triangulate(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    file = tmp_path / "measures.yaml"
    file.write_text(DIP_MEASURES, encoding="utf-8")
    measures = measures_service(services, min_cases=3)
    await measures.load_file(file)
    cases = ["LCS500001", "LCS500002", "LCS500003", "LCS500004"]
    report = await services.audits.rounds.start_round_from_csv(
        template_id=DIP.id,
        due_date=date(2026, 1, 30),
        csv_text="case_ref,team,practitioner,auditor\n"
        + "".join(
            f"{case},Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk\n"
            for case in cases
        ),
        actor_id=None,
    )
    assert len(report.created) == 4, report.problems
    for assignment_id, answer in zip(report.created, ["yes", "yes", "no", "not_applicable"], strict=True):
        await answer_dip_sample(services, assignment_id, "29:user-4", answer)

    async with sessions() as session:
        teams = {name: team_id for team_id, name in await session.execute(select(Team.id, Team.name))}
    riverside = teams["Riverside Locality Team"]
    [value] = await measures.computed_values(team_ids=list(teams.values()), since=JANUARY, until=JANUARY)
    assert (value.indicator_key, value.team_id, value.month) == ("dip_referral_decisions", riverside, JANUARY)
    assert (value.numerator, value.denominator, value.value) == (2, 3, pytest.approx(200 / 3))
    assert value.source == "audit answers"
    assert (
        await measures.computed_values(team_ids=[teams["Hillside Children in Care Team"]], since=JANUARY, until=JANUARY)
        == []
    )

    # The case-system says 97 % of referrals were decided in time; the dip sample found 2 of 3.
    csv_file = tmp_path / "extract.csv"
    csv_file.write_text(
        "team,month,indicator,value\nRiverside Locality Team,2026-01,referral_decisions_24h,97\n", encoding="utf-8"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "name: plain\nlayout: long\ncolumns: {team: team, month: month, indicator: indicator, value: value}\n",
        encoding="utf-8",
    )
    assert (await measures.import_extract(csv_file, mapping)).written == 1

    overview = await measures.overview(team="riverside locality team")
    assert (overview.scope, overview.scope_name, overview.month) == ("team", "Riverside Locality Team", JANUARY)
    [safe] = overview.measures
    figures, dip = safe.indicators
    assert (figures.value, figures.on_target) == (97.0, True)
    [evidence] = figures.evidence
    assert (evidence.found, evidence.of) == (2, 3)
    assert figures.disagreeing_evidence == (evidence,)
    assert (dip.value, dip.numerator, dip.denominator, dip.off_target) == (pytest.approx(200 / 3), 2, 3, True)
    assert [(w.indicator.key, [r.value for r in w.reasons]) for w in safe.worries] == [
        ("referral_decisions_24h", ["audits disagree with the figures"]),
        ("dip_referral_decisions", ["off target"]),
    ]
    # The other team has no figures and no answers: no data, never 0 %.
    other = await measures.overview(team="Hillside Children in Care Team")
    assert [(s.value, s.off_target) for s in other.measures[0].indicators] == [(None, False), (None, False)]


def test_the_cli_loads_imports_rejects_with_exit_code_1_and_shows(
    database_url: str, engine, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["org", "import", str(DEMO_FILE)], env=WIDE).exit_code == 0
    loaded = runner.invoke(cli, ["measures", "load", str(DEMO_MEASURES)], env=WIDE)
    assert loaded.exit_code == 0, loaded.output
    assert "5 measure(s), 17 indicator(s)" in loaded.output

    bad = runner.invoke(
        cli, ["measures", "import", str(DATA / "liquidlogic-bad.csv"), "--mapping", str(LONG_MAPPING)], env=WIDE
    )
    assert bad.exit_code == 1
    assert "bad row(s) in liquidlogic-bad.csv: nothing was imported" in bad.output
    assert "unknown team 'Nowhere Team'" in bad.output

    bad_mapping = runner.invoke(
        cli, ["measures", "import", str(DATA / "liquidlogic-good.csv"), "--mapping", str(DEMO_MEASURES)], env=WIDE
    )
    assert bad_mapping.exit_code == 1
    assert "measures.yaml cannot be used" in bad_mapping.output
    assert "line 24: name: Field required" in bad_mapping.output  # where the YAML mapping starts

    good = runner.invoke(
        cli, ["measures", "import", str(DATA / "liquidlogic-good.csv"), "--mapping", str(LONG_MAPPING)], env=WIDE
    )
    assert good.exit_code == 0, good.output
    assert "7 new, 0 replaced" in good.output

    # The CLI's clock is the real one: ask for the month the sample figures are about.
    shown = runner.invoke(cli, ["measures", "show", "--team", "Front Door", "--month", "2026-01"], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert (
        "Referral decisions within 24 hours: 91 % (91 of 100; target 95 %; down 3 points in three months) "
        "[off target, moving the wrong way]" in shown.output
    )
    assert "no data" in shown.output


def test_the_cli_lists_the_mapping_folder_and_fails_on_a_broken_mapping(
    database_url: str, engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MEASURES_MAPPING_FOLDER", str(tmp_path))
    (tmp_path / "liquidlogic.yaml").write_text(LONG_MAPPING.read_text())
    runner = CliRunner()
    listed = runner.invoke(cli, ["measures", "mappings"], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert "1 usable, 0 broken" in listed.output
    assert "liquidlogic: Liquidlogic monthly performance report (long layout)" in listed.output

    (tmp_path / "diagonal.yml").write_text("name: Diagonal\nlayout: diagonal\n")
    broken = runner.invoke(cli, ["measures", "mappings"], env=WIDE)
    assert broken.exit_code == 1
    assert "1 usable, 1 broken" in broken.output
    assert "cannot be used: diagonal.yml:2: layout:" in broken.output

    monkeypatch.setenv("MEASURES_MAPPING_FOLDER", str(tmp_path / "missing"))
    missing = runner.invoke(cli, ["measures", "mappings"], env=WIDE)
    assert missing.exit_code == 1 and "extracts sent in Teams are refused" in missing.output
