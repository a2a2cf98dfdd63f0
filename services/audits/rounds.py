"""Choosing cases for a round: rows from a CSV, or a sampling rule over a CSV of open cases.

qop has no case management system, so open cases come from an export (case_ref, team,
practitioner). Every row is checked on its own: bad rows are reported with their number and
the reason, good rows go ahead.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from views.audits import RowProblem

ROUND_COLUMNS = ("case_ref", "team", "practitioner", "auditor")
OPEN_CASE_COLUMNS = ("case_ref", "team", "practitioner")


@dataclass(frozen=True)
class RoundRow:
    """One case for a round, as given (people by e-mail, team by name)."""

    row: int
    case_ref: str
    team: str
    practitioner: str
    auditor: str


def read_rows(text: str, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[RowProblem]]:
    """CSV rows as dicts with a 'row' number (the header is row 1), or the header's problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        return [], [
            RowProblem(1, f"the header must name the columns {', '.join(columns)} (missing {', '.join(missing)})")
        ]
    rows = []
    for number, raw in enumerate(reader, start=2):
        cleaned = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if any(cleaned.values()):
            rows.append({"row": str(number), **cleaned})
    return rows, []


def round_rows(text: str) -> tuple[list[RoundRow], list[RowProblem]]:
    rows, problems = read_rows(text, ROUND_COLUMNS)
    return [RoundRow(int(r["row"]), r["case_ref"], r["team"], r["practitioner"], r["auditor"]) for r in rows], problems


def normalise_case_ref(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


@dataclass(frozen=True)
class OpenCase:
    row: int
    case_ref: str
    team: str
    practitioner: str


def sample_cases(
    cases: Iterable[OpenCase],
    *,
    per_manager: int,
    manager_of_team: dict[str, str],
    recently_audited: set[str],
    rng: random.Random,
) -> list[OpenCase]:
    """``per_manager`` cases for each team manager, at random, skipping cases audited recently."""
    by_manager: dict[str, list[OpenCase]] = defaultdict(list)
    for case in cases:
        manager = manager_of_team.get(case.team.lower())
        if manager and normalise_case_ref(case.case_ref) not in recently_audited:
            by_manager[manager].append(case)
    chosen = []
    for manager in sorted(by_manager):
        pool = sorted(by_manager[manager], key=lambda c: c.row)
        chosen += rng.sample(pool, min(per_manager, len(pool)))
    return sorted(chosen, key=lambda c: c.row)
