"""The quarterly report for the Quality Improvement Meeting: data, Excel workbook, HTML page.

Organised around Ofsted's self-evaluation questions: what do we know about the quality and
impact of practice (summary, audits, grades, trend, moderation, Signs of Safety, feedback,
actions), how do we know (sources and method) and what are our plans. Every number comes from
the same SQL aggregates as the weekly digest, with the same small-number suppression.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from cards import text_partner_audits as text_partner
from cards import text_report as text
from cards.calendar import unit_label
from cards.digest import four_answers, headline_pairs
from cards.measures_wording import evidence_text, figure, four_questions, target_text, trend_text
from cards.text_digest import AUDIT_TYPES, SHEET_OBSERVATIONS
from services.digest.extras import observation_rows
from services.digest.findings import digest_findings
from services.digest.multi_agency import MultiAgencySection, multi_agency_rows
from services.moderation_group import report as moderation_group_report
from views.calendar import UnitCompliance
from views.digest import MIN_GROUP, Digest, GradeCounts, PeriodFigures, percent, suppressed
from views.measures import MeasuresOverview
from views.moderation_group import ModerationGroupThemes

SCALE_QUESTION = "auditor_scale"


@dataclass(frozen=True)
class TeamRow:
    team: str
    planned: int
    completed: int
    good: int
    inadequate: int


@dataclass(frozen=True)
class FeedbackRow:
    template: str
    responses: int
    average: float | None
    scored: int


@dataclass(frozen=True)
class QimReport:
    digest: Digest
    """The quarter's digest: headline numbers, stages, themes, quotes, 6-quarter trend."""
    teams: list[TeamRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    scaled_audits: int = 0
    average_scale: float | None = None
    plans: list[tuple[str, int]] = field(default_factory=list)
    """Open actions due next quarter, per source."""
    calendar: list[UnitCompliance] = field(default_factory=list)
    """How each unit kept the QA calendar's dates this quarter (counts of meetings, not people)."""
    multi_agency: MultiAgencySection | None = None
    """The quarter's multi-agency audits: parts per agency and key findings for the partnership."""
    moderation_group: ModerationGroupThemes = field(default_factory=ModerationGroupThemes)
    """What the moderation group's meetings this quarter agreed (service-wide counts)."""
    generated_on: date | None = None
    extra_sections: list[tuple[str, str, list[list[Any]]]] = field(default_factory=list)
    """Sections other features add after the standard ones (sheet name, Ofsted question, rows):
    the QIM's assurance trail, the half-year comparison."""


def cell(count: int) -> int | str:
    """A count for a spreadsheet cell: the number, or the words when it must stay hidden."""
    return text.FEWER_THAN.format(count=MIN_GROUP) if suppressed(count) else count


def _pct_cell(value: float | None) -> float | str:
    return text.NOT_SHOWN if value is None else value


def _audit_type_row(audit_type: str, figures: PeriodFigures, *, graded: bool = True) -> list[Any]:
    grades = figures.grades
    return [
        AUDIT_TYPES[audit_type],
        cell(figures.audits_completed),
        cell(figures.audits_planned),
        _pct_cell(grades.pct_good) if graded else text.NOT_GRADED,
        _pct_cell(grades.pct_inadequate) if graded else text.NOT_GRADED,
    ]


def audit_type_rows(digest: Digest) -> list[list[Any]]:
    """The report's own audit type first, then every other type on its own row; a note says how."""
    rows: list[list[Any]] = [
        [text.AUDIT_TYPE, text.COMPLETED, text.PLANNED, text.GOOD_OR_BETTER_PCT, text.INADEQUATE_PCT],
        _audit_type_row(digest.audit_type, digest.current),
    ]
    rows += [_audit_type_row(f.audit_type, f.now, graded=f.graded) for f in digest.other_audit_types]
    note = (
        text.ONLY_AUDIT_TYPE.format(audit_type=AUDIT_TYPES[digest.audit_type].lower())
        if digest.filtered
        else text.AUDIT_TYPES_NOTE
    )
    return [*rows, [], [note]]


def measures_rows(overview: MeasuresOverview | None) -> list[list[Any]]:
    """Every indicator of every measure (figure, target, trend, what the audits found), then each
    measure's four questions answered; "no data" where a figure is missing, never 0 %."""
    header = [text.MEASURE, text.INDICATOR, text.FIGURE, text.TARGET, text.THREE_MONTHS, text.AUDITS_FOUND]
    if overview is None:
        return [[*header, text.OWNER], [], [text.NO_MEASURES]]
    rows: list[list[Any]] = [[*header, text.OWNER]]
    rows += [
        [
            measure.name,
            status.name,
            figure(status),
            target_text(status),
            trend_text(status) or "-",
            "; ".join(evidence_text(e) for e in status.evidence) or "-",
            status.owner,
        ]
        for measure in overview.measures
        for status in measure.indicators
    ]
    rows += [[], [text.MEASURES_MONTH.format(month=overview.month, count=overview.open_actions)]]
    for measure in overview.measures:
        if measure.indicators:
            rows += [[measure.name]] + [[line.strip().removeprefix("- ")] for line in four_questions(measure)]
    return rows


def sections(report: QimReport) -> list[tuple[str, str, list[list[Any]]]]:
    """(sheet name, Ofsted question, rows; the first row is the header) for every section."""
    digest = report.digest
    now = digest.current
    know, how, plans = text.OFSTED_QUESTIONS
    summary: list[list[Any]] = [[text.MEASURE, text.THIS_QUARTER]] + [
        [name, value] for name, value in headline_pairs(now, digest.previous, digest.targets)
    ]
    for question, lines in four_answers(digest_findings(digest)).sections():
        summary += [[], [question]] + [[line] for line in lines]
    audits = [[text.TEAM, text.PLANNED, text.COMPLETED, text.COMPLETED_PCT, text.GOOD_OR_BETTER, text.INADEQUATE]] + [
        [
            r.team,
            cell(r.planned),
            cell(r.completed),
            _pct_cell(percent(r.completed, r.planned) if r.planned >= MIN_GROUP else None),
            cell(r.good),
            cell(r.inadequate),
        ]
        for r in report.teams
    ]
    grades = _grade_table(digest)
    trend: list[list[Any]] = [
        [
            text.QUARTER,
            text.AUDITS_COMPLETED,
            text.GOOD_OR_BETTER_PCT,
            text.INADEQUATE_PCT,
            text.TARGET_GOOD_PCT,
            text.TARGET_INADEQUATE_PCT,
        ]
    ]
    trend += [
        [
            p.period.key,
            cell(p.audits_completed),
            _pct_cell(p.grades.pct_good),
            _pct_cell(p.grades.pct_inadequate),
            *_target_cells(digest),
        ]
        for p in digest.trend
    ]
    moderation = digest.moderation
    moderated = [
        [text.MEASURE, text.NUMBER, text.SHARE_OF_MODERATED],
        [text.MODERATED, cell(moderation.moderated), ""],
        [text.RAISED, cell(moderation.raised), _pct_cell(percent(moderation.raised, moderation.moderated))],
        [text.LOWERED, cell(moderation.lowered), _pct_cell(percent(moderation.lowered, moderation.moderated))],
    ]
    safety: list[list[Any]] = [[text.MEASURE, text.VALUE], [text.SCALED_AUDITS, cell(report.scaled_audits)]]
    safety.append(
        [
            text.AVERAGE_SCALE,
            text.NOT_SHOWN
            if report.average_scale is None or report.scaled_audits < MIN_GROUP
            else round(report.average_scale, 1),
        ]
    )
    safety += [[], [text.EXPECT_TO_SEE, text.FULLY_SEEN_PCT, text.ANSWERED]]
    safety += [[t.title, _pct_cell(t.pct_yes), cell(t.answered)] for t in digest.themes]
    feedback = [[text.FORM, text.RESPONSES, text.AVERAGE_SCORE]] + [
        [
            r.template,
            cell(r.responses),
            text.NOT_SHOWN if r.average is None or r.scored < MIN_GROUP else round(r.average, 1),
        ]
        for r in report.feedback
    ]
    actions = [
        [text.MEASURE, text.THIS_QUARTER],
        [text.ACTIONS_NEW, cell(now.actions_new)],
        [text.ACTIONS_DONE, cell(now.actions_done)],
        [text.ACTIONS_OVERDUE, cell(now.actions_overdue)],
        [text.ACTIONS_IMPACT, cell(now.actions_impact)],
    ]
    calendar: list[list[Any]] = [list(text.CALENDAR_HEADER)]
    calendar += [
        [unit_label(c.unit), c.activity_name, c.on_time, c.late, c.missed, c.due, c.learning_events]
        for c in report.calendar
    ]
    sources = [
        [text.SOURCE, text.NUMBER_THIS_QUARTER],
        [text.SOURCE_AUDITS, cell(now.audits_completed)],
        [text.SOURCE_MODERATION, cell(moderation.moderated)],
        [text.SOURCE_FEEDBACK, cell(now.feedback_responses)],
        [text.SOURCE_IMPACT, cell(now.actions_impact)],
        [],
        [text.SMALL_NUMBERS],
        [text.QUARTER_NOTE.format(period=digest.period.label)],
    ]
    focus = [[text.PLANS_BY_SOURCE, text.NUMBER]] + [[s, cell(n)] for s, n in report.plans]
    focus += [[], [text.PLANS_FOCUS]]
    focus += [[line] for line in four_answers(digest_findings(digest)).worried]
    return [
        (text.SHEET_SUMMARY, know, summary),
        (text.SHEET_AUDITS, know, audits),
        (text.SHEET_GRADES, know, grades),
        (text.SHEET_TREND, know, trend),
        (text.SHEET_MODERATION, know, moderated),
        (moderation_group_report.SHEET, know, moderation_group_report.report_rows(report.moderation_group, cell)),
        (text.SHEET_SAFETY, know, safety),
        (text.SHEET_FEEDBACK, know, feedback),
        (text_partner.SHEET, know, multi_agency_rows(report.multi_agency)),
        (SHEET_OBSERVATIONS, know, observation_rows(report.digest.observations, cell)),
        (text.SHEET_ACTIONS, know, actions),
        (text.SHEET_CALENDAR, know, calendar),
        (text.SHEET_AUDIT_TYPES, know, audit_type_rows(digest)),
        (text.SHEET_MEASURES, know, measures_rows(digest.measures)),
        (text.SHEET_SOURCES, how, sources),
        (text.SHEET_PLANS, plans, focus),
        *report.extra_sections,
    ]


def _grade_table(digest: Digest) -> list[list[Any]]:
    """Grades by stage: one column per grade of the templates' scales (best first), then the share
    good or better; as many columns as the scales have grades."""
    grades = list(digest.grade_key.labels)

    def row(name: str, counts: GradeCounts) -> list[Any]:
        return [name, *(cell(counts.counts.get(g, 0)) for g in grades), _pct_cell(counts.pct_good)]

    table: list[list[Any]] = [[text.STAGE, *digest.grade_key.labels.values(), text.GOOD_OR_BETTER_PCT]]
    table.append(row(text.OVERALL, digest.current.grades))
    table += [row(s.title, s.grades) for s in digest.stages]
    return table


def _target_cells(digest: Digest) -> list[float | str]:
    """The council's targets (good or better, inadequate) for the trend table; blank where unset."""
    targets = digest.targets
    return ["", ""] if targets is None else [targets.good_or_better, targets.inadequate]


def write_workbook(report: QimReport, path: Path) -> None:
    """One sheet per section, real numbers in cells, native Excel charts on the trend and grades."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    title = text.REPORT_TITLE.format(scope=report.digest.scope_label, period=report.digest.period.label)
    for name, question, rows in sections(report):
        sheet = workbook.create_sheet(name)
        sheet.append([title])
        sheet.append([question])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A2"].font = Font(italic=True)
        sheet.append([])
        for row in rows:
            sheet.append(row)
        for header in sheet[4]:
            header.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 60
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 18
        if name == text.SHEET_TREND and len(rows) > 2:
            chart = LineChart()
            chart.title = text.CHART_TREND
            chart.add_data(Reference(sheet, min_col=3, min_row=4, max_row=3 + len(rows)), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=5, max_row=3 + len(rows)))
            sheet.add_chart(chart, "H4")
        if name == text.SHEET_GRADES and len(rows) > 1:
            chart = BarChart()
            chart.title = text.CHART_STAGES
            share = len(rows[0])  # the last column: the share good or better, however many grades
            chart.add_data(Reference(sheet, min_col=share, min_row=4, max_row=3 + len(rows)), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=5, max_row=3 + len(rows)))
            sheet.add_chart(chart, "H4")
    workbook.save(path)


# -- the printable page ------------------------------------------------------------------------


def _svg_bars(points: list[tuple[str, float]], *, title: str, target: float | None = None) -> str:
    """Horizontal bars (0-100%) as inline SVG: prints well, needs no script or CDN."""
    if not points:
        return ""
    row, width, label_width = 26, 640, 220
    height = row * len(points) + 30
    bars = []
    for index, (label, value) in enumerate(points):
        y = 20 + index * row
        length = (width - label_width - 60) * value / 100
        bars.append(
            f'<text x="0" y="{y + 15}" font-size="13">{html.escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="16" fill="#2f6f5e"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" font-size="12">{value:.0f}%</text>'
        )
    if target is not None:
        x = label_width + (width - label_width - 60) * target / 100
        bars.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#b00" stroke-dasharray="4 3"/>')
    return (
        f'<figure><svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
    )


def _table(rows: list[list[Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" if row else "" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(note: str) -> str:
    """A question of the framework becomes a heading; its answers and other notes, paragraphs."""
    return f"<h4>{html.escape(note)}</h4>" if note.endswith("?") else f"<p>{html.escape(note)}</p>"


STYLE = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #2f6f5e}h3{margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
th{background:#eef4f2}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#555}
@media print{body{margin:0}h2{page-break-before:always}h2:first-of-type{page-break-before:avoid}}
"""


def _trend_chart(trend: list[tuple[str, float]], digest: Digest) -> str:
    """Good or better by quarter, with the council's target as a dashed line where it has one."""
    if digest.targets is None:
        return _svg_bars(trend, title=text.CHART_TREND)
    target = digest.targets.good_or_better
    return _svg_bars(trend, title=text.CHART_TREND_PAGE.format(target=target), target=target)


def _type_links(links: list[tuple[str, str]]) -> str:
    anchors = " | ".join(f'<a href="{html.escape(url)}">{html.escape(label)}</a>' for label, url in links)
    return f"<p>{html.escape(text.TYPE_LINKS)} {anchors}</p>" if links else ""


def render_html(
    report: QimReport, *, workbook_url: str | None = None, type_links: list[tuple[str, str]] | None = None
) -> str:
    """A self-contained printable page (inline SVG charts, no scripts, no external requests);
    ``workbook_url`` adds a link to the same report as an Excel workbook, ``type_links`` (label, URL)
    links to the same report for one audit type."""
    digest = report.digest
    title = text.REPORT_TITLE.format(scope=digest.scope_label, period=digest.period.label)
    trend = [(p.period.key, p.grades.pct_good) for p in digest.trend if p.grades.pct_good is not None]
    stages = [(s.title, s.grades.pct_good) for s in digest.stages if s.grades.pct_good is not None]
    charts = {
        text.SHEET_TREND: _trend_chart(trend, digest),
        text.SHEET_GRADES: _svg_bars(stages, title=text.CHART_STAGES),
    }
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if workbook_url:
        parts.append(f'<p><a href="{html.escape(workbook_url)}">{html.escape(text.WORKBOOK_LINK)}</a></p>')
    parts.append(_type_links(type_links or []))
    current_question = None
    for name, question, rows in sections(report):
        if question != current_question:
            parts.append(f"<h2>{html.escape(question)}</h2>")
            current_question = question
        parts.append(f"<h3>{html.escape(name)}</h3>")
        parts.append(charts.get(name, ""))
        table_rows = [r for r in rows if len(r) > 1 or not r]
        notes = [r[0] for r in rows if len(r) == 1]
        parts.append(_table([rows[0]] + [r for r in table_rows[1:] if r]) if len(rows[0]) > 1 else "")
        parts += [_note(str(note)) for note in notes]
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )
