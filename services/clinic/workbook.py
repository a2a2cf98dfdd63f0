"""The clinic packs as Excel workbooks (openpyxl, as the QIM report's): a team's, and the senior
leadership clinic's service pack; one sheet per part of the card, real numbers in cells so they
can be sorted and charted."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from cards import text_clinic as text
from cards.measures_wording import trend_text
from cards.text_actions import SOURCE_LABELS
from views.clinic import ClinicAction, ClinicPack, ServiceClinicPack, SinceLastClinic, ThemeLine
from views.measures import MeasuresOverview


def _yes(flag: bool) -> str:
    return text.YES if flag else text.NO


Sheet = tuple[str, tuple[str, ...], list[list[Any]]]
"""(sheet name, column headings, rows)."""


def _measure_rows(measures: MeasuresOverview | None) -> tuple[list[list[Any]], list[list[Any]]]:
    """(each indicator judged, each worry and why)."""
    indicators: list[list[Any]] = []
    worries: list[list[Any]] = []
    if measures is None:
        return indicators, worries
    worrying = {w.indicator.key: w for m in measures.measures for w in m.worries}
    for measure in measures.measures:
        for s in measure.indicators:
            worry = worrying.get(s.key)
            indicators.append(
                [measure.name, s.name, s.unit, s.value, s.target, trend_text(s) or "", _yes(worry is not None)]
            )
            if worry is not None:
                worries.append([s.name, ", ".join(r.value for r in worry.reasons)])
    return indicators, worries


def _theme_rows(themes: tuple[ThemeLine, ...]) -> list[list[Any]]:
    return [[t.title, t.seen, t.answered, round(t.share, 1) if t.share is not None else None] for t in themes]


def _action_rows(actions: tuple[ClinicAction, ...]) -> list[list[Any]]:
    return [
        [a.description, a.owner_name, a.due_date, _yes(a.overdue), SOURCE_LABELS.get(a.source, a.source)]
        for a in actions
    ]


def _change_rows(since: SinceLastClinic | None, open_now: int, open_line: str) -> list[list[Any]]:
    if since is None:
        return []
    changes: list[list[Any]] = [
        [f.name, f.unit, f.before, f.now, f.difference, _yes(f.was_worry), _yes(f.is_worry)] for f in since.figures
    ]
    changes.append([open_line.format(before=since.open_actions_before, now=open_now)])
    if since.agreed:
        changes.append([text.AGREED_DONE.format(done=since.agreed_done, agreed=since.agreed)])
    return changes


def sheets(pack: ClinicPack) -> list[Sheet]:
    """A team's pack: one sheet for each part of its card."""
    indicators, worries = _measure_rows(pack.measures)
    return [
        (text.SHEET_INDICATORS, text.COLUMNS_INDICATORS, indicators),
        (text.SHEET_WORRIES, text.COLUMNS_WORRIES, worries),
        (text.SHEET_THEMES, text.COLUMNS_THEMES, _theme_rows(pack.themes)),
        (text.SHEET_ACTIONS, text.COLUMNS_ACTIONS, _action_rows(pack.open_actions)),
        (
            text.SHEET_CHANGES,
            text.COLUMNS_CHANGES,
            _change_rows(pack.since_last, pack.open_actions_total, text.OPEN_BEFORE),
        ),
    ]


def service_sheets(pack: ServiceClinicPack) -> list[Sheet]:
    """The senior leadership clinic's service pack: one sheet for each part of its card, with every
    team of concern (the card shows the worst few of each area)."""
    indicators, worries = _measure_rows(pack.measures)
    areas = [
        [a.area_name, a.teams, a.packs, a.agreed, a.open_actions, a.overdue_actions, len(a.concerns)]
        for a in pack.areas
    ]
    concerns = [
        [a.area_name, c.team_name, "; ".join(c.off_target), "; ".join(c.wrong_way)]
        for a in pack.areas
        for c in a.concerns
    ]
    changes = _change_rows(pack.since_last, pack.open_clinic_actions, text.OPEN_CLINIC_BEFORE)
    return [
        (text.SHEET_INDICATORS, text.COLUMNS_INDICATORS, indicators),
        (text.SHEET_WORRIES, text.COLUMNS_WORRIES, worries),
        (text.SHEET_AREAS, text.COLUMNS_AREAS, areas),
        (text.SHEET_CONCERNS, text.COLUMNS_CONCERNS, concerns),
        (text.SHEET_THEMES, text.COLUMNS_THEMES, _theme_rows(pack.themes)),
        (text.SHEET_AGREED, text.COLUMNS_ACTIONS, _action_rows(pack.agreed_here)),
        (text.SHEET_CHANGES, text.COLUMNS_CHANGES, changes),
    ]


def _workbook(heading: str, parts: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns, rows in parts:
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


def workbook_bytes(pack: ClinicPack) -> bytes:
    """A team's pack as the workbook's file content."""
    heading = text.WORKBOOK_TITLE.format(team=pack.team_name, area=pack.area_name, month=f"{pack.month:%B %Y}")
    return _workbook(heading, sheets(pack))


def service_workbook_bytes(pack: ServiceClinicPack) -> bytes:
    """The senior leadership clinic's service pack as the workbook's file content."""
    return _workbook(text.SERVICE_WORKBOOK_TITLE.format(month=f"{pack.month:%B %Y}"), service_sheets(pack))
