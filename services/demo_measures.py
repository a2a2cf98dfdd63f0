"""Demo Meaningful Measures for the fictional organisation (``python -m qop demo load``): the demo
measures file, and six months of figures for every team whose service area counts an indicator
the demo's Liquidlogic-style extract carries, imported as a performance analyst's extract is.

With them, ``clinic`` shows a pack with indicators, trends and worries, the dashboard has figures
to chart and the digest and QIM report answer the four questions. The figures are made up but
plausible: most teams sit near their targets, and some indicators of some teams drift the wrong
way over the six months, so each team has something to talk about at its clinic. Nothing is drawn
at random (the same figures on every database and every load), and they are imported once: when
the demo measures file is first put in force.
"""

from __future__ import annotations

import csv
import io
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.measures import MeasuresService
from services.measures.declarations import Direction, Indicator, IndicatorKind, MeasuresFile, Unit
from services.measures.extract import ColumnMapping, Layout, load_mapping, read_extract
from services.measures.triangulation import add_months
from storage.repositories import measures as repository
from storage.repositories.measures import TeamRow

MONTHS = 6
"""Complete months of figures, ending with last month (this month's extract is not out yet)."""
EXTRACT_NAME = "demo-liquidlogic-extract.csv"


@dataclass(frozen=True)
class DemoMeasures:
    measures_loaded: bool
    """False when the demo measures file was in force already (then no figures are imported)."""
    figures: int
    teams: int


async def load_demo_measures(
    sessions: async_sessionmaker[AsyncSession], measures: MeasuresService, *, measures_file: Path, mapping_file: Path
) -> DemoMeasures:
    """Put the demo measures file in force and, the first time, import the demo figures through
    ``mapping_file`` (a long layout with numerator and denominator columns)."""
    loaded = await measures.load_file(measures_file)
    if not loaded.changed:
        return DemoMeasures(measures_loaded=False, figures=0, teams=0)
    mapping = load_mapping(mapping_file)
    async with sessions() as session:
        declared = await measures.measures_in_force(session)
        teams = await repository.active_teams(session)
    content = _extract(declared, teams, mapping, last_month=add_months(measures.this_month(), -1))
    report = await measures.import_cells(
        read_extract(EXTRACT_NAME, content, mapping), file_name=EXTRACT_NAME, content=content, mapping=mapping
    )
    if report.problems:
        raise ValueError(f"the demo extract does not fit the demo measures: {report.problems[:3]}")
    return DemoMeasures(measures_loaded=True, figures=report.written, teams=len(report.teams))


def _extract(declared: MeasuresFile, teams: list[TeamRow], mapping: ColumnMapping, *, last_month: date) -> bytes:
    """The demo's extract as the mapping reads it: one row per team, month and indicator code."""
    codes = {indicator_id: code for code, indicator_id in mapping.indicators.items()}
    columns = mapping.columns
    header = [columns.team, columns.month, columns.indicator, columns.value, columns.numerator, columns.denominator]
    if mapping.layout != Layout.LONG or None in header:
        raise ValueError(f"the demo extract needs a long layout with every column: {mapping.name}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for team in sorted(teams, key=lambda t: t.name):
        for indicator in declared.indicators_of(team.area_name):
            if indicator.kind != IndicatorKind.QUANTITATIVE or indicator.id not in codes:
                continue
            for back in range(MONTHS - 1, -1, -1):
                month = add_months(last_month, -back)
                value, numerator, denominator = _figure(indicator, team.name, months_before_last=back)
                writer.writerow([team.name, f"{month:%b %Y}", codes[indicator.id], value, numerator, denominator])
    return out.getvalue().encode()


def _figure(indicator: Indicator, team: str, *, months_before_last: int) -> tuple[float, int | str, int | str]:
    """A plausible figure: near the target, a little better or worse by team; one indicator in
    three drifts the wrong way over the months, ending past its tolerance."""
    seed = zlib.crc32(f"{team}/{indicator.id}".encode())
    target = indicator.target if indicator.target is not None else 50.0
    step = max(indicator.tolerance, 1.0)
    better = 1 if indicator.direction == Direction.HIGHER_IS_BETTER else -1
    if seed % 3 == 0:  # drifting: on target six months ago, past the tolerance last month
        offset = better * (step - (MONTHS - 1 - months_before_last) * step * 0.5)
    else:
        offset = better * ((seed >> 4) % 3) * step * 0.5 - better * ((seed + months_before_last) % 2) * step * 0.25
    value = target + offset
    if indicator.unit != Unit.PERCENT:
        return round(max(value, 0.0), 1), "", ""
    denominator = 30 + (seed + 7 * months_before_last) % 25
    numerator = round(min(max(value, 0.0), 100.0) / 100 * denominator)
    return round(100 * numerator / denominator, 1), numerator, denominator
