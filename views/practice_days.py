"""Practice days as plain data: the plan form, the plan as stored, and the day's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from views.audits import RowProblem
from views.digest import GradeCounts, StageFigures, ThemeFigures


@dataclass(frozen=True)
class PlanForm:
    """The plan card: what may be chosen, what was typed, and what needs a look."""

    areas: tuple[tuple[int, str], ...]
    """(service area id, name) of the areas this person may plan a practice day for."""
    templates: tuple[tuple[str, str], ...]
    """(template id, title) of the audit templates."""
    auditors: tuple[tuple[int, str], ...]
    """(person id, "name, team") of the people who may be chosen as auditors."""
    default_day: date
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanRequest:
    """What the planner asked for, parsed at the edge (people and areas by id, cases as CSV lines)."""

    held_on: date
    service_area_id: int
    template_id: str
    cases_csv: str
    """``case_ref,team,practitioner e-mail[,auditor e-mail]`` lines: the cases to audit (some with the
    auditor the planner chose), or the pool to sample from."""
    auditor_ids: tuple[int, ...]
    sample_size: int | None = None
    """Sample this many of the listed cases (none audited in the last 12 months); None: all of them."""
    auditor_emails: tuple[str, ...] = ()
    """Auditors typed by e-mail: anyone in the organisation, beyond the card's list of choices."""


@dataclass(frozen=True)
class Pair:
    case_ref: str
    team_name: str
    practitioner_name: str
    auditor_name: str


@dataclass(frozen=True)
class PlannedDay:
    """A practice day as stored: its pairs, and the listed cases that were left out and why."""

    day_id: int
    area_name: str
    held_on: date
    template_title: str
    status: str
    pairs: tuple[Pair, ...]
    problems: tuple[RowProblem, ...] = ()
    already_planned: bool = False
    """Planned before for this area and date: this is that plan, unchanged."""


@dataclass(frozen=True)
class RaisedAction:
    description: str
    owner_name: str
    due_date: date
    case_ref: str


@dataclass(frozen=True)
class OpenAudit:
    """An audit of the day that was not submitted by the end of it."""

    case_ref: str
    auditor_name: str
    status: str


@dataclass(frozen=True)
class DaySummary:
    """What the day found: grades by stage, the "we would expect to see" themes, what went well,
    the actions raised and the audits not completed."""

    day_id: int
    area_name: str
    held_on: date
    template_title: str
    planned: int
    submitted: int
    overall: GradeCounts
    stages: tuple[StageFigures, ...]
    themes: tuple[ThemeFigures, ...]
    went_well: tuple[str, ...]
    actions: tuple[RaisedAction, ...]
    not_completed: tuple[OpenAudit, ...]
    not_started: tuple[RowProblem, ...] = ()
    """Cases that could not start on the day (the person had left, say)."""


@dataclass(frozen=True)
class DayLine:
    """One practice day in the 'practice days' list."""

    day_id: int
    area_name: str
    held_on: date
    status: str
    cases: int
