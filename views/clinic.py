"""A team's monthly performance clinic pack as read models, for its card and its workbook.

Plain frozen data built by ``services.clinic``: the team's indicators judged against targets and
trend (``views.measures``), the audit themes, the open actions, and what changed since the last
pack (compared with the figures that pack showed, not with today's figures for that month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from views.actions import PersonChoice
from views.measures import MeasuresOverview


@dataclass(frozen=True)
class ThemeLine:
    """One of the audit's cross-cutting themes: how often audits of the team saw it in full."""

    title: str
    seen: int
    answered: int

    @property
    def share(self) -> float | None:
        return 100.0 * self.seen / self.answered if self.answered else None


@dataclass(frozen=True)
class ClinicAction:
    """An open action of the team (or one agreed at a clinic), for the pack."""

    description: str
    owner_name: str
    due_date: date
    overdue: bool
    source: str


@dataclass(frozen=True)
class FigureChange:
    """One indicator then (at the last clinic) and now."""

    key: str
    name: str
    unit: str
    before: float | None
    now: float | None
    was_worry: bool
    is_worry: bool

    @property
    def difference(self) -> float | None:
        return self.now - self.before if self.now is not None and self.before is not None else None


@dataclass(frozen=True)
class SinceLastClinic:
    """What changed since the team's previous pack (another month's)."""

    month: date
    figures: tuple[FigureChange, ...]
    new_worries: tuple[str, ...]
    worries_resolved: tuple[str, ...]
    open_actions_before: int
    agreed: int
    """Actions agreed at that clinic."""
    agreed_done: int


@dataclass(frozen=True)
class ClinicPack:
    """Everything the clinic card and workbook show for one team and month."""

    clinic_id: int
    team_id: int
    team_name: str
    area_name: str
    month: date
    prepared_on: date
    measures: MeasuresOverview | None
    """None when no measures file has been loaded yet."""
    themes: tuple[ThemeLine, ...]
    themes_since: date
    """Audit themes count audits submitted from this day (the three months ending with ``month``)."""
    open_actions: tuple[ClinicAction, ...]
    open_actions_total: int
    agreed_here: tuple[ClinicAction, ...]
    """Actions already agreed at this clinic (source: performance clinic)."""
    since_last: SinceLastClinic | None
    """None for a team's first pack."""
    owners: tuple[PersonChoice, ...] = ()
    """Whom the person looking may give an agreed action to (empty: they may not agree actions)."""


# -- the senior leadership performance clinic (the whole service) ------------------------------


@dataclass(frozen=True)
class TeamConcern:
    """A team with indicators off target or moving the wrong way, for its service area's roll-up."""

    team_name: str
    off_target: tuple[str, ...]
    """Names of its indicators off target."""
    wrong_way: tuple[str, ...]
    """Names of its indicators moving the wrong way over three months."""

    @property
    def weight(self) -> int:
        """How worrying: each indicator off target and each moving the wrong way counts once."""
        return len(self.off_target) + len(self.wrong_way)


@dataclass(frozen=True)
class AreaRollUp:
    """One service area at the senior leadership clinic: its teams of concern (worst first) and
    its team clinics this month."""

    area_name: str
    teams: int
    """Active teams in the area."""
    concerns: tuple[TeamConcern, ...]
    """Its teams with indicators off target or moving the wrong way, worst first (the card shows the first few)."""
    packs: int
    """Teams whose clinic pack was prepared for the month."""
    agreed: int
    """Actions agreed at this month's team clinics."""
    open_actions: int
    """Open actions agreed at any team clinic, owned in the area."""
    overdue_actions: int


@dataclass(frozen=True)
class ServiceClinicPack:
    """Everything the senior leadership clinic card shows for one month."""

    clinic_id: int
    month: date
    prepared_on: date
    measures: MeasuresOverview | None
    """The whole service's measures; None when no measures file has been loaded yet."""
    areas: tuple[AreaRollUp, ...]
    themes: tuple[ThemeLine, ...]
    themes_since: date
    open_clinic_actions: int
    """Open actions agreed at performance clinics, team and senior, service-wide."""
    agreed_here: tuple[ClinicAction, ...]
    """Service-level actions agreed at this clinic."""
    since_last: SinceLastClinic | None
    """None for the first service pack."""
    owners: tuple[PersonChoice, ...] = ()
    """Whom the person looking may give an agreed action to (empty: they may not agree actions)."""
