"""Reading a case-system extract (CSV or XLSX) through a column mapping into raw cells per line.

The mapping file says where things are, so one reader fits a ChAT-like workbook (one row per team
and month, one column per indicator: ``layout: wide``) and a Liquidlogic/EHM report (one row per
team, month and indicator: ``layout: long``). Checking the cells against the organisation and the
declared indicators is ``importer.py``'s job.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.measures.declarations import MeasuresFileError, read_yaml_with_lines, validate_model
from services.templates.loader import Problem

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Layout(enum.StrEnum):
    WIDE = "wide"
    LONG = "long"


class Columns(BaseModel):
    """Column headers in the extract (matched whatever their case or spacing)."""

    model_config = _STRICT

    team: Annotated[str, Field(min_length=1)]
    month: Annotated[str, Field(min_length=1)]
    indicator: str | None = None
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None


class ColumnMapping(BaseModel):
    """Where a given extract keeps teams, months and figures (``docs/measures.md``)."""

    model_config = _STRICT

    name: Annotated[str, Field(min_length=1, max_length=200)]
    layout: Layout
    sheet: str | None = None
    """XLSX only: the sheet to read (default: the first)."""
    header_row: Annotated[int, Field(ge=1)] = 1
    """The row holding the column headers (a ChAT workbook has title rows above it)."""
    columns: Columns
    indicators: dict[str, str] = {}
    """The extract's label -> the indicator id in the measures file. Wide: column headers; long:
    the values of the indicator column (left out: that column holds the ids themselves)."""
    teams: dict[str, str] = {}
    """The extract's team name -> the organisation's, where they differ."""

    @model_validator(mode="after")
    def _columns_fit_the_layout(self) -> ColumnMapping:
        if self.layout == Layout.LONG and (self.columns.indicator is None or self.columns.value is None):
            raise ValueError("a long layout needs columns.indicator and columns.value")
        if self.layout == Layout.WIDE:
            if self.columns.indicator or self.columns.value or self.columns.numerator or self.columns.denominator:
                raise ValueError("a wide layout has one column per indicator: list them under indicators")
            if not self.indicators:
                raise ValueError("a wide layout needs indicators: column header -> indicator id")
        return self


def load_mapping(file: Path) -> ColumnMapping:
    """Read and check a mapping file (raises ``MeasuresFileError`` with lines and fields)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MeasuresFileError(file.name, [Problem(1, "", f"cannot read the file: {error}")]) from None
    data, lines = read_yaml_with_lines(file.name, text)
    return validate_model(ColumnMapping, file.name, data, lines)


class UnreadableExtract(ValueError):
    """The extract as a whole cannot be read (format, sheet, missing columns); nothing is imported."""


@dataclass(frozen=True)
class Cell:
    """One figure as found in the extract, before any checking."""

    line: int
    team: Any
    month: Any
    indicator: str
    column: str
    value: Any
    numerator: Any = None
    denominator: Any = None


EXTRACT_TYPES = (".csv", ".xlsx")
"""The kinds of file an extract may be (by the file name's ending)."""


def read_extract(file_name: str, content: bytes, mapping: ColumnMapping) -> list[Cell]:
    """Every figure in the extract ``content`` (named ``file_name``, whose ending says CSV or XLSX)
    with its line (as a spreadsheet numbers it); blank figures are left out: a blank is "no
    data", never 0. Raises ``UnreadableExtract`` when the file as a whole cannot be read."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(file_name, content, mapping)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(file_name, content, mapping)
    else:
        raise UnreadableExtract(f"{file_name}: use a .csv or .xlsx file")
    header_line, header = next(rows, (mapping.header_row, []))
    position = {_key(name): index for index, name in enumerate(header) if isinstance(name, str) and name.strip()}
    wanted = [mapping.columns.team, mapping.columns.month]
    optional = [mapping.columns.numerator, mapping.columns.denominator]
    if mapping.layout == Layout.LONG:
        wanted += [mapping.columns.indicator or "", mapping.columns.value or ""]
    else:
        wanted += list(mapping.indicators)
    missing = [name for name in wanted + [o for o in optional if o] if _key(name) not in position]
    if missing:
        raise UnreadableExtract(
            f"{file_name}: line {header_line} has no column(s) {', '.join(repr(m) for m in missing)} "
            f"(mapping '{mapping.name}')"
        )

    def at(row: list[Any], name: str | None) -> Any:
        if name is None:
            return None
        index = position[_key(name)]
        return _blank_to_none(row[index] if index < len(row) else None)

    cells: list[Cell] = []
    for line, row in rows:
        if all(_blank_to_none(value) is None for value in row):
            continue
        team, month = at(row, mapping.columns.team), at(row, mapping.columns.month)
        if mapping.layout == Layout.LONG:
            label = str(at(row, mapping.columns.indicator) or "")
            value = at(row, mapping.columns.value)
            if value is None and at(row, mapping.columns.numerator) is None:
                continue
            indicator = mapping.indicators.get(label, label)
            cells.append(
                Cell(
                    line,
                    team,
                    month,
                    indicator,
                    mapping.columns.value or "",
                    value,
                    at(row, mapping.columns.numerator),
                    at(row, mapping.columns.denominator),
                )
            )
            continue
        for header_name, indicator in mapping.indicators.items():
            value = at(row, header_name)
            if value is not None:
                cells.append(Cell(line, team, month, indicator, header_name, value))
    return cells


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def _csv_rows(file_name: str, content: bytes, mapping: ColumnMapping) -> Any:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableExtract(f"cannot read {file_name}: {error}") from error
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if reader.line_num >= mapping.header_row:
            yield reader.line_num, row


class _Percent(float):
    """A number an XLSX cell formats as a percentage (stored 0.91, shown 91 %)."""


def _xlsx_rows(file_name: str, content: bytes, mapping: ColumnMapping) -> Any:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableExtract(f"{file_name} is not a readable .xlsx workbook: {error}") from error
    try:
        if mapping.sheet is not None and mapping.sheet not in workbook.sheetnames:
            raise UnreadableExtract(f"{file_name} has no sheet {mapping.sheet!r} (it has {workbook.sheetnames})")
        sheet = workbook[mapping.sheet] if mapping.sheet else workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number >= mapping.header_row:
                yield number, [_cell_value(cell) for cell in row]
    finally:
        workbook.close()


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return _Percent(value * 100)
    if isinstance(value, datetime):
        return value.date()
    return value


def as_month(value: Any) -> date | None:
    """A month in the ways extracts write it: 2026-03, 2026-03-01, Mar 2026, March 2026, 03/2026,
    or a date cell. None when it is not a month."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value).strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%b %Y", "%B %Y", "%m/%Y", "%d/%m/%Y", "%b-%y", "%Y%m"):
        try:
            return datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


def as_number(value: Any) -> float | None:
    """A figure as written: 91, 91.5, "91.5", "91.5%", "1,204". None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().removesuffix("%").replace(",", "").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None
