"""Audit types kept apart, and the Meaningful Measures in the digest and the QIM report, on both databases.

The week and the standard audits are ``test_digest_figures.seed``'s (Riverside: 12 completed of 14
planned, 58.3 % Good or better). On top of them come five themed audits all graded Inadequate and
six dip samples with no grade in the same week: if either were mixed in, every standard figure
below would change.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from cards.digest import digest_card, digest_text
from qop.cli import cli
from services.container import Services
from services.digest.builder import Scope
from services.digest.findings import digest_findings
from services.digest.report import QimReport, render_html, write_workbook
from services.digest.sample import AuditResult, add_audit, add_round
from services.measures import MeasuresService
from services.templates import TemplateLibrary
from tests.services.test_digest_figures import WEEK, seed
from tests.support.action_org import Org, make_org
from views.templates import AuditType

THEMED = "themed-voice-of-the-child"
DIP = "dip-sample-compliance"
RIVERSIDE = "Riverside Locality Team"
INDICATOR = """\
    - id: {id}
      name: {name}
      measure: {measure}
      kind: quantitative
      unit: percent
      direction: higher_is_better
      target: 90
      tolerance: 2
      owner: team manager
"""
MEASURES = (
    "measures:\n"
    "  - {id: heard, name: Children are heard}\n"
    "  - {id: workforce, name: Our workforce is skilled and stable}\n"
    "service_areas:\n"
    "  Children in Care:\n"
    + INDICATOR.format(id="seen_alone", name="Children seen alone at their last visit", measure="heard")
    + INDICATOR.format(id="supervision_in_time", name="Supervision within the month", measure="workforce")
)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def workbook(report: QimReport, path: Path) -> Workbook:
    """The report written as its XLSX and read back."""
    write_workbook(report, path)
    return load_workbook(path)


def sheet(book: Workbook, name: str) -> dict[str, tuple[Any, ...]]:
    """A sheet's rows under its header, by their first cell."""
    return {row[0]: row[1:] for row in book[name].iter_rows(min_row=5, values_only=True) if row[0]}


async def seed_other_types(sessions: async_sessionmaker[AsyncSession], org: Org, riverside: int) -> None:
    """Riverside, the week under test: 5 themed audits graded Inadequate (one more planned, not done)
    that say the child's voice is not clear, and 6 dip samples (not graded)."""
    async with sessions() as session, session.begin():
        themed = await add_round(
            session,
            title="Voice of the child",
            due_date=date(2026, 3, 27),
            created_by_id=org.qa_lead,
            template_id=THEMED,
        )
        dip = await add_round(
            session, title="Timescales", due_date=date(2026, 3, 27), created_by_id=org.qa_lead, template_id=DIP
        )

        def result(template: str, when: datetime | None, overall: str | None, **more) -> AuditResult:  # type: ignore[no-untyped-def]
            return AuditResult(
                riverside,
                org.practitioner,
                org.other_manager,
                when,
                date(2026, 3, 27),
                overall,
                template_id=template,
                **more,
            )

        for day in range(5):
            await add_audit(
                session,
                themed,
                result(
                    THEMED,
                    at(2026, 3, 23 + day, 11),
                    "inadequate",
                    stages={"influence": "inadequate"},
                    answers={"child_voice_clear": "no", "auditor_scale": 1},
                ),
            )
        await add_audit(session, themed, result(THEMED, None, None))
        for day in range(6):
            await add_audit(
                session, dip, result(DIP, at(2026, 3, 23 + day % 5, 15), None, answers={"auditor_scale": 2})
            )


async def riverside_week(
    services: Services, sessions: async_sessionmaker[AsyncSession], *, other_types: bool = True
) -> tuple[Org, int]:
    """(the organisation, Riverside's id) with the standard audits seeded, and the other types unless
    ``other_types`` is False; the clock in the week after the first quarter."""
    services.clock.set(at(2026, 4, 8, 9))  # type: ignore[attr-defined]
    org = await make_org(sessions)
    riverside, _ = await seed(sessions, org)
    if other_types:
        await seed_other_types(sessions, org, riverside)
    return org, riverside


async def load_measures(services: Services, tmp_path: Path) -> None:
    """The measures file and an extract: seen alone 86 %, 84 %, 80 % in January to March (off
    target and going the wrong way); supervision has no figure at all."""
    measures = MeasuresService(
        sessions=services.sessions,
        clock=services.clock,
        library=TemplateLibrary.from_folder(),
        time_zone="Europe/London",
    )
    file = tmp_path / "measures.yaml"
    file.write_text(MEASURES, encoding="utf-8")
    await measures.load_file(file)
    extract = tmp_path / "extract.csv"
    extract.write_text(
        "team,month,indicator,value\n"
        + "".join(f"{RIVERSIDE},2026-{month:02},seen_alone,{value}\n" for month, value in ((1, 86), (2, 84), (3, 80))),
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "name: plain\nlayout: long\ncolumns: {team: team, month: month, indicator: indicator, value: value}\n",
        encoding="utf-8",
    )
    assert (await measures.import_extract(extract, mapping)).written == 3


async def test_themed_audits_and_dip_samples_never_change_the_standard_figures(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org, riverside = await riverside_week(services, sessions, other_types=False)
    scope = Scope("team", RIVERSIDE, [riverside])
    alone = await services.digests.build(scope, WEEK)
    await seed_other_types(sessions, org, riverside)

    digest = await services.digests.build(scope, WEEK)
    now = digest.current
    assert (now.audits_completed, now.audits_planned) == (12, 14)
    assert now.grades.counts == {"good": 5, "requires_improvement": 4, "outstanding": 2, "inadequate": 1}
    assert now.grades.pct_good == 58.3
    assert digest.trend == alone.trend, "every standard figure of the six weeks is as before"
    assert digest.stages == alone.stages, "the themed audits' stage grades stay out of the stages"
    assert digest.themes == alone.themes == [], "their 'child's voice' answers stay out of the themes"
    assert digest.moderation == alone.moderation
    themed, dip = digest.other_audit_types
    assert (themed.audit_type, themed.now.audits_completed, themed.now.audits_planned) == (AuditType.THEMED, 5, 6)
    assert (themed.now.grades.counts, themed.now.grades.pct_good, themed.graded) == ({"inadequate": 5}, 0.0, True)
    assert (dip.audit_type, dip.now.audits_completed, dip.now.audits_planned, dip.graded) == (
        AuditType.DIP_SAMPLE,
        6,
        6,
        False,
    )

    text = digest_text(digest, digest_findings(digest))
    assert "Good or better: 58% (+3.8 points on the week before)" in text
    assert "Themed audits: 5 of 6 planned; 0% Good or better" in text
    assert "Dip samples: 6 of 6 planned (not graded)" in text
    assert "Audit figures count" not in text, "no filter: standard audits, the others in their own rows"


async def test_the_filter_counts_one_audit_type_only(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, riverside = await riverside_week(services, sessions)
    scope = Scope("team", RIVERSIDE, [riverside])

    themed = await services.digests.build(scope, WEEK, audit_type=AuditType.THEMED)
    now = themed.current
    assert (now.audits_completed, now.audits_planned, now.grades.pct_inadequate) == (5, 6, 100.0)
    assert [(s.stage_id, s.grades.counts) for s in themed.stages] == [("influence", {"inadequate": 5})]
    assert themed.other_audit_types == [] and themed.filtered
    assert themed.previous.audits_completed == 0, "no themed audits the week before, whatever the standard ones did"
    text = digest_text(themed, digest_findings(themed))
    assert "Audit figures count themed audits only" in text and "Dip samples" not in text

    dip = await services.digests.build(scope, WEEK, audit_type=AuditType.DIP_SAMPLE)
    assert (dip.current.audits_completed, dip.current.grades.total, dip.current.grades.pct_good) == (6, 0, None)
    standard = await services.digests.build(scope, WEEK, audit_type=AuditType.STANDARD)
    assert standard.current == (await services.digests.build(scope, WEEK)).current
    assert standard.other_audit_types == []


async def test_the_qim_report_keeps_types_apart_and_filters(
    services: Services, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await riverside_week(services, sessions)

    path = tmp_path / "qim.xlsx"
    book = workbook(await services.digests.quarterly("team", RIVERSIDE, "2026Q1", actor=None), path)
    assert sheet(book, "Audits")[RIVERSIDE][:2] == (25, 24), "the standard audits only, as without the other types"
    grades = sheet(book, "Grades")
    assert grades["Overall"][4] == round(100 * 13 / 24, 1)
    themed_stage = TemplateLibrary.from_folder().get(THEMED).section("influence").title
    assert themed_stage not in grades, "the themed audits' stage grades stay out"
    scaled = sheet(book, "Signs of Safety")["Audits with a scaling judgement"][0]
    assert scaled == 0, "the themed and dip-sample scales stay out"
    assert list(sheet(book, "Audit types").items())[:3] == [
        ("Standard audits", (24, 25, round(100 * 13 / 24, 1), "not shown")),
        ("Themed audits", (5, 6, 0.0, 100.0)),
        ("Dip samples", (6, 6, "not graded", "not graded")),
    ]

    themed = await services.digests.quarterly("team", RIVERSIDE, "2026Q1", actor=None, audit_type=AuditType.THEMED)
    book = workbook(themed, path)
    assert sheet(book, "Audits")[RIVERSIDE][:4] == (6, 5, "not shown", 0)
    assert sheet(book, "Grades")[themed_stage] == (0, 0, 0, 5, 0.0), "filtered: the themed stage is there"
    types = sheet(book, "Audit types")
    assert types["Themed audits"] == (5, 6, 0.0, 100.0)
    assert any(row.startswith("This report counts themed audits only") for row in types)
    assert "Dip samples" not in types and "Standard audits" not in types


async def test_measures_reach_the_digest_card_and_the_qim_report(
    services: Services, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    _, riverside = await riverside_week(services, sessions, other_types=False)
    scope = Scope("team", RIVERSIDE, [riverside])
    assert (await services.digests.build(scope, WEEK)).measures is None, "no measures file: no section"
    await load_measures(services, tmp_path)

    digest = await services.digests.build(scope, WEEK)
    assert digest.measures is not None and digest.measures.month == date(2026, 3, 1)
    text = digest_text(digest, digest_findings(digest))
    assert "Meaningful Measures, March 2026" in text
    worry = (
        "Children are heard: Children seen alone at their last visit: 80 % (target 90 %; down 6 points in three "
        "months) [off target, moving the wrong way]"
    )
    assert worry in text
    assert "Our workforce is skilled and stable: no worries (0 of 1 indicators on target; 1 with no data)." in text
    assert text.index("Children are heard:") < text.index("Our workforce"), "measures with worries first"
    card = json.dumps(digest_card(digest, digest_findings(digest)))
    assert "Meaningful Measures, March 2026" in card
    assert re.search(r"(?<![\d.])0 %", card) is None, "an indicator with no data is never 0 %"

    report = await services.digests.quarterly("team", RIVERSIDE, "2026Q1", actor=None)
    rows = list(workbook(report, tmp_path / "qim.xlsx")["Meaningful Measures"].iter_rows(min_row=4, values_only=True))
    indicators = {row[1]: row for row in rows if row[1]}
    assert indicators["Children seen alone at their last visit"][2:5] == (
        "80 %",
        "90 %",
        "down 6 points in three months",
    )
    assert indicators["Supervision within the month"][2] == "no data"
    notes = [row[0] for row in rows if row[0] and not row[1]]
    assert "What are we worried about and why?" in notes and "What did we do well and how did we do it?" in notes
    page = render_html(report)
    assert "<h3>Meaningful Measures</h3>" in page and "<h4>What are we worried about and why?</h4>" in page
    assert "no data" in page


def test_the_cli_takes_an_audit_type(database_url: str, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    shown = runner.invoke(cli, ["digest", "preview", "--period", "2026-W13", "--audit-type", "dip_sample"])
    assert shown.exit_code == 0, shown.output
    assert "Audit figures count dip samples only" in shown.output
    refused = runner.invoke(cli, ["digest", "preview", "--audit-type", "casual"])
    assert refused.exit_code == 2 and "casual" in refused.output
