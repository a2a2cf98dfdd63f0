"""The clinic pack as an Excel workbook (openpyxl, as the QIM report's): one sheet per part of the
card, real numbers in cells so the team can sort and chart them."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from cards import text_clinic as text
from cards.measures_wording import trend_text
from cards.text_actions import SOURCE_LABELS
from views.clinic import ClinicPack


def _yes(flag: bool) -> str:
    return text.YES if flag else text.NO


def sheets(pack: ClinicPack) -> list[tuple[str, tuple[str, ...], list[list[Any]]]]:
    """(sheet name, column headings, rows) for each part of the pack."""
    indicators, worries = [], []
    if pack.measures is not None:
        worrying = {w.indicator.key: w for m in pack.measures.measures for w in m.worries}
        for measure in pack.measures.measures:
            for s in measure.indicators:
                worry = worrying.get(s.key)
                indicators.append(
                    [measure.name, s.name, s.unit, s.value, s.target, trend_text(s) or "", _yes(worry is not None)]
                )
                if worry is not None:
                    worries.append([s.name, ", ".join(r.value for r in worry.reasons)])
    themes = [[t.title, t.seen, t.answered, round(t.share, 1) if t.share is not None else None] for t in pack.themes]
    actions = [
        [a.description, a.owner_name, a.due_date, _yes(a.overdue), SOURCE_LABELS.get(a.source, a.source)]
        for a in pack.open_actions
    ]
    changes: list[list[Any]] = []
    if pack.since_last is not None:
        changes = [
            [f.name, f.unit, f.before, f.now, f.difference, _yes(f.was_worry), _yes(f.is_worry)]
            for f in pack.since_last.figures
        ]
        since = pack.since_last
        changes.append([text.OPEN_BEFORE.format(before=since.open_actions_before, now=pack.open_actions_total)])
        if since.agreed:
            changes.append([text.AGREED_DONE.format(done=since.agreed_done, agreed=since.agreed)])
    return [
        (text.SHEET_INDICATORS, text.COLUMNS_INDICATORS, indicators),
        (text.SHEET_WORRIES, text.COLUMNS_WORRIES, worries),
        (text.SHEET_THEMES, text.COLUMNS_THEMES, themes),
        (text.SHEET_ACTIONS, text.COLUMNS_ACTIONS, actions),
        (text.SHEET_CHANGES, text.COLUMNS_CHANGES, changes),
    ]


def workbook_bytes(pack: ClinicPack) -> bytes:
    """The workbook's file content."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = text.WORKBOOK_TITLE.format(team=pack.team_name, area=pack.area_name, month=f"{pack.month:%B %Y}")
    for name, columns, rows in sheets(pack):
        sheet = workbook.create_sheet(name)
        sheet.append([heading])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        sheet.append(list(columns))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 50
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
