"""Checking an extract's figures against the organisation and the declared indicators.

Every bad figure is reported with its line and why; the service writes nothing unless every
figure is good (one transaction), because a half-imported month would show a team's figures as
changed when only some of them were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.measures.declarations import IndicatorKind, MeasuresFile, Unit
from services.measures.extract import Cell, Mapping, as_month, as_number
from services.organisation.source import name_key
from storage.repositories.measures import NewValue, TeamRow


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass
class ExtractReport:
    """What an import found and did: the good figures, each bad one, and what was written."""

    file_name: str
    mapping_name: str
    values: list[NewValue] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    written: int = 0
    replaced: int = 0
    batch_id: int | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


def check_cells(
    cells: list[Cell], *, mapping: Mapping, measures: MeasuresFile, teams: list[TeamRow], this_month: date
) -> tuple[list[NewValue], list[RowProblem]]:
    """Turn raw cells into values; every cell that cannot be one becomes a problem on its line."""
    teams_by_key = {name_key(team.name): team for team in teams}
    aliases = {name_key(extract): name_key(ours) for extract, ours in mapping.teams.items()}
    declared = measures.indicator_ids()
    values: list[NewValue] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[str, int, date], int] = {}
    for cell in cells:

        def reject(reason: str, line: int = cell.line) -> None:
            # A wide row holds several figures: its unknown team is one problem, not one per column.
            problem = RowProblem(line, reason)
            if not problems or problems[-1] != problem:
                problems.append(problem)

        team_text = str(cell.team or "").strip()
        team = teams_by_key.get(aliases.get(name_key(team_text), name_key(team_text)))
        if team is None:
            reject(f"unknown team {team_text!r}" if team_text else "no team")
            continue
        if cell.indicator not in declared:
            reject(f"unknown indicator {cell.indicator!r} (not in the measures file or the mapping)")
            continue
        indicator = next((i for i in measures.indicators_of(team.area_name) if i.id == cell.indicator), None)
        if indicator is None:
            reject(f"{cell.indicator!r} is not an indicator of {team.area_name} ({team.name}'s service area)")
            continue
        if indicator.kind == IndicatorKind.QUALITATIVE:
            reject(f"{cell.indicator!r} is computed by qop from audit answers; it is not imported")
            continue
        month = as_month(cell.month) if cell.month is not None else None
        if month is None:
            reject(f"month {cell.month!r} is not a month (write 2026-03 or Mar 2026)")
            continue
        if month > this_month:
            reject(f"month {month:%Y-%m} is in the future")
            continue
        number = as_number(cell.value) if cell.value is not None else None
        numerator, denominator = _count(cell.numerator), _count(cell.denominator)
        if number is None and cell.value is None and numerator is not None and denominator:
            number = 100.0 * numerator / denominator
        if number is None:
            reject(f"{cell.value!r} in column {cell.column!r} is not a number")
            continue
        if (cell.numerator is not None and numerator is None) or (cell.denominator is not None and denominator is None):
            reject("numerator and denominator must be whole numbers, not negative")
            continue
        if indicator.unit == Unit.PERCENT and not 0 <= number <= 100:
            reject(f"{number:g} in column {cell.column!r} is a percent outside 0-100")
            continue
        if number < 0:
            reject(f"{number:g} in column {cell.column!r} is negative; a {indicator.unit.value} cannot be")
            continue
        key = (indicator.id, team.id, month)
        if key in first_line:
            reject(f"duplicate: {indicator.id} for {team.name} in {month:%Y-%m} is already on line {first_line[key]}")
            continue
        first_line[key] = cell.line
        values.append(NewValue(indicator.id, team.id, month, number, numerator, denominator))
    return values, problems


def _count(value: object) -> int | None:
    if value is None:
        return None
    number = as_number(value)
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)
