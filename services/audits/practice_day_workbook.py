"""The practice day's spreadsheet: the summary card's content, one sheet per part, real numbers in
cells (written with openpyxl, as the QIM report is)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from cards import text_practice_days as text
from cards.base import long_date
from views.digest import GradeCounts
from views.practice_days import DaySummary

MIN_WIDTH, MAX_WIDTH = 10, 80
"""Column widths in characters: wide enough for a number, never wider than a long sentence."""


def sheets(summary: DaySummary) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows; the first row is the header) of every part of the summary."""
    overview: list[list[Any]] = [
        [text.COLUMN_MEASURE, text.COLUMN_VALUE],
        [text.MEASURE_AREA, summary.area_name],
        [text.MEASURE_DAY, summary.held_on],
        [text.MEASURE_TEMPLATE, summary.template_title],
        [text.MEASURE_PLANNED, summary.planned],
        [text.MEASURE_SUBMITTED, summary.submitted],
    ]
    key = summary.overall.key
    seen = {g for s in (summary.overall, *(st.grades for st in summary.stages)) for g in s.counts}
    columns = [*key.labels, *sorted(seen - set(key.labels))]

    def grade_row(label: str, grades: GradeCounts) -> list[Any]:
        return [label, *(grades.counts.get(g, 0) for g in columns)]

    grades = [
        [text.COLUMN_STAGE, *(key.label_of(g) for g in columns)],
        grade_row(text.OVERALL, summary.overall),
    ]
    grades += [grade_row(stage.title, stage.grades) for stage in summary.stages]
    themes: list[list[Any]] = [[text.COLUMN_THEME, text.COLUMN_YES, text.COLUMN_PARTLY, text.COLUMN_NO, text.COLUMN_NA]]
    themes += [
        [t.title, *(t.answers.get(k, 0) for k in ("yes", "partly", "no", "not_applicable"))] for t in summary.themes
    ]
    went_well = [[text.COLUMN_QUOTE]] + [[quote] for quote in summary.went_well]
    actions: list[list[Any]] = [[text.COLUMN_ACTION, text.COLUMN_OWNER, text.COLUMN_DUE, text.COLUMN_CASE]]
    actions += [[a.description, a.owner_name, a.due_date, a.case_ref] for a in summary.actions]
    open_audits: list[list[Any]] = [[text.COLUMN_CASE, text.COLUMN_AUDITOR, text.COLUMN_STATUS]]
    open_audits += [
        [a.case_ref, a.auditor_name, text.AUDIT_STATUS_LABELS.get(a.status, a.status)] for a in summary.not_completed
    ]
    open_audits += [[p.reason, "", text.COULD_NOT_START] for p in summary.not_started]
    return [
        (text.SHEET_SUMMARY, overview),
        (text.SHEET_GRADES, grades),
        (text.SHEET_THEMES, themes),
        (text.SHEET_WENT_WELL, went_well),
        (text.SHEET_ACTIONS, actions),
        (text.SHEET_NOT_COMPLETED, open_audits),
    ]


def _fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest value (headers included), within reason."""
    widths: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.value is not None:
                widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), len(str(cell.value)))
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))


def workbook_bytes(summary: DaySummary) -> bytes:
    """The spreadsheet as the bytes of an .xlsx file: a title line, then each part's table with a
    bold header row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = text.SUMMARY_TITLE.format(area=summary.area_name, day=long_date(summary.held_on))
    for name, rows in sheets(summary):
        sheet = workbook.create_sheet(name)
        sheet.append([heading])
        sheet.append([])
        for row in rows:
            sheet.append(row)
        sheet["A1"].font = Font(bold=True, size=14)
        for header_cell in sheet[3]:
            header_cell.font = Font(bold=True)
        _fit_columns(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
