"""Checking an extract's figures against the organisation and the declared indicators.

Every bad figure is reported with its line and why; the service writes nothing unless every
figure is good (one transaction), because a half-imported month would show a team's figures as
changed when only some of them were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.measures.declarations import IndicatorKind, MeasuresFile, Unit
from services.measures.extract import Cell, ColumnMapping, as_month, as_number
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
    teams: list[str] = field(default_factory=list)
    """The teams the good figures are for, by name."""
    months: list[date] = field(default_factory=list)
    """The months the good figures are for."""
    written: int = 0
    replaced: int = 0
    batch_id: int | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


def check_cells(
    cells: list[Cell], *, mapping: ColumnMapping, measures: MeasuresFile, teams: list[TeamRow], this_month: date
) -> tuple[list[NewValue], list[RowProblem]]:
    """Turn raw cells into values; every cell that cannot be one becomes a problem on its line."""
    context = _Context(
        mapping=mapping,
        measures=measures,
        teams={name_key(team.name): team for team in teams},
        aliases={name_key(extract): name_key(ours) for extract, ours in mapping.teams.items()},
        declared=frozenset(measures.indicator_ids()),
        this_month=this_month,
    )
    team_names = {team.id: team.name for team in teams}
    values: list[NewValue] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[str, int, date], int] = {}
    for cell in cells:
        outcome = _value_of(cell, context)
        if isinstance(outcome, NewValue):
            key = (outcome.indicator_key, outcome.team_id, outcome.month)
            if key not in first_line:
                first_line[key] = cell.line
                values.append(outcome)
                continue
            outcome = (
                f"duplicate: {outcome.indicator_key} for {team_names[outcome.team_id]} in {outcome.month:%Y-%m} "
                f"is already on line {first_line[key]}"
            )
        # A wide row holds several figures: its unknown team is one problem, not one per column.
        problem = RowProblem(cell.line, outcome)
        if not problems or problems[-1] != problem:
            problems.append(problem)
    return values, problems


@dataclass(frozen=True)
class _Context:
    mapping: ColumnMapping
    measures: MeasuresFile
    teams: dict[str, TeamRow]
    """By ``name_key`` of the team's name."""
    aliases: dict[str, str]
    declared: frozenset[str]
    this_month: date


def _value_of(cell: Cell, context: _Context) -> NewValue | str:
    """The cell's value, or why it cannot be one."""
    team_text = str(cell.team or "").strip()
    team = context.teams.get(context.aliases.get(name_key(team_text), name_key(team_text)))
    if team is None:
        return f"unknown team {team_text!r}" if team_text else "no team"
    if cell.indicator not in context.declared:
        return f"unknown indicator {cell.indicator!r} (not in the measures file or the mapping)"
    indicator = next((i for i in context.measures.indicators_of(team.area_name) if i.id == cell.indicator), None)
    if indicator is None:
        return f"{cell.indicator!r} is not an indicator of {team.area_name} ({team.name}'s service area)"
    if indicator.kind == IndicatorKind.QUALITATIVE:
        return f"{cell.indicator!r} is computed by qop from audit answers; it is not imported"
    month = as_month(cell.month) if cell.month is not None else None
    if month is None:
        return f"month {cell.month!r} is not a month (write 2026-03 or Mar 2026)"
    if month > context.this_month:
        return f"month {month:%Y-%m} is in the future"
    numerator, denominator = _count(cell.numerator), _count(cell.denominator)
    if (cell.numerator is not None and numerator is None) or (cell.denominator is not None and denominator is None):
        return "numerator and denominator must be whole numbers, not negative"
    number = as_number(cell.value) if cell.value is not None else None
    if cell.value is None and numerator is not None and denominator:
        number = 100.0 * numerator / denominator
    if number is None:
        return f"{cell.value!r} in column {cell.column!r} is not a number"
    if indicator.unit == Unit.PERCENT and not 0 <= number <= 100:
        return f"{number:g} in column {cell.column!r} is a percent outside 0-100"
    if number < 0:
        return f"{number:g} in column {cell.column!r} is negative; a {indicator.unit.value} cannot be"
    return NewValue(indicator.id, team.id, month, number, numerator, denominator)


def _count(value: object) -> int | None:
    if value is None:
        return None
    number = as_number(value)
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)
