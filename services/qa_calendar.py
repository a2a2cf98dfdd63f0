"""The QA calendar (the framework's Appendix 2): who must hold what, how often, and what happened.

The cadence lives in ``services/data/qa-calendar.yaml``. Each activity is held per the unit
the framework names (each team manager, team, service area, or once service-wide), so every
unit has its own occurrences. Ahead of each one the people holding the responsible roles *in that
unit* (Appendix 2's; Heads of Service count as their area's senior managers) get a reminder card;
when nobody holds one of the roles there, the QA lead gets it in its place and the card says so.
Each is sent exactly once, through the same claimed keys as action reminders
(``calendar:supervision:2026-04-10:manager-2:person:2``; service-wide ones keep the older
``calendar:qim:2026-04-28:person:9``), only in their working hours. "It happened" opens a record
card: date held, who attended, findings, and actions raised (source: the QA calendar). An
occurrence is recorded once per unit and date; an occurrence recorded gets no more reminders.
Learning events may also be recorded as they happen (``record activity``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import calendar as calendar_cards
from cards import text_calendar as text
from services import personal_data, working_time
from services.actions import NewAction, add_action
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.outbox import Outbox
from services.reminders import anyone_at_work, claim, keys_already_claimed, mark_handed_over, stale_claims
from storage.db import transaction
from storage.models import (
    AREA_ROLES,
    Action,
    ActionSource,
    CalendarAttendee,
    CalendarOccurrence,
    Person,
    Role,
    RoleAssignment,
    ServiceArea,
    Team,
)
from views.calendar import (
    SERVICE,
    ActionDraft,
    CalendarOccurrenceView,
    CalendarRecordView,
    CalendarRow,
    CalendarUnit,
    LearningEventChoice,
    OccurrenceState,
    PersonOption,
    RaisedAction,
    RecordForm,
    RecordSubmission,
    UnitCompliance,
    UnitKind,
    UnitSchedule,
)

CALENDAR_FILE = Path(__file__).parent / "data" / "qa-calendar.yaml"
ROLES = {
    Role.TEAM_MANAGER.value,
    Role.SENIOR_MANAGER.value,
    Role.QA_LEAD.value,
    Role.MODERATOR.value,
    Role.SERVICE_DIRECTOR.value,
    Role.QA_HEAD_OF_SERVICE.value,
    Role.PRINCIPAL_SOCIAL_WORKER.value,
    Role.IRO_MANAGER.value,
    Role.PERFORMANCE_ANALYST.value,
}
"""Roles an activity may name as responsible. ``senior_manager`` stands for the senior managers and
Heads of Service (the framework's Heads of Service are the senior managers of their area)."""
METHODS = {"PE", "PM", "CA", "F", "PL"}
KIND = "calendar"
PURPOSE = "qa-calendar"
MAX_FINDINGS = 2000
MAX_ATTENDEE_CHOICES = 150
"""An Adaptive Card choice list beyond this is unusable (and the card grows past Teams' limit)."""
RECORD_AHEAD_DAYS = 31
"""An occurrence can be recorded from a month before its date (a meeting brought forward)."""
UNIT_ORDER = (UnitKind.SERVICE, UnitKind.SERVICE_AREA, UnitKind.TEAM, UnitKind.TEAM_MANAGER)


def occurrence_state(due_on: date, held_on: date | None, today: date) -> OccurrenceState:
    """Where one occurrence stands on ``today``: the one rule the calendar card, the reminders and
    the QIM report's compliance all count by."""
    if held_on is not None:
        return OccurrenceState.HELD if held_on <= due_on else OccurrenceState.LATE
    return OccurrenceState.MISSED if due_on < today else OccurrenceState.DUE


def calendar_row(occurrence: CalendarOccurrenceView, *, responsible: bool, today: date) -> CalendarRow:
    """Where a scheduled ``occurrence`` stands on ``today``, and whether a person (``responsible``
    for it in its unit or not) may record it now: not yet recorded, and no more than
    ``RECORD_AHEAD_DAYS`` ahead of its date."""
    assert occurrence.due_on is not None
    state = occurrence_state(occurrence.due_on, occurrence.held_on, today)
    recordable = (
        responsible
        and state in (OccurrenceState.DUE, OccurrenceState.MISSED)
        and occurrence.due_on <= today + timedelta(days=RECORD_AHEAD_DAYS)
    )
    return CalendarRow(occurrence, state, recordable)


@dataclass(frozen=True)
class CalendarActivity:
    key: str
    name: str
    frequency: str
    months: tuple[int, ...]
    day: int
    responsible: tuple[str, ...]
    feeds: str
    unit: UnitKind = UnitKind.SERVICE
    methods: tuple[str, ...] = ()
    framework_responsibility: str = ""
    ad_hoc: bool = False
    remind_working_days_before: int = 5

    def due_in(self, year: int, month: int) -> date | None:
        """The occurrence's due date in that month (moved to a working day), if it falls in it."""
        if month not in self.months:
            return None
        last_day = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
        return working_time.working_day_on_or_after(date(year, month, min(self.day, last_day)))

    def reminder_day(self, due: date) -> date:
        return working_time.add_working_days(due, -self.remind_working_days_before)

    def occurrence(
        self, due: date | None, unit: CalendarUnit = SERVICE, held_on: date | None = None
    ) -> CalendarOccurrenceView:
        return CalendarOccurrenceView(
            self.key,
            self.name,
            self.frequency,
            due,
            self.feeds,
            unit,
            self.methods,
            self.framework_responsibility,
            held_on,
        )


def _activity(entry: Any, position: int) -> CalendarActivity:
    where = f"activity {position}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping")
    missing = {"key", "name", "frequency", "months", "day", "responsible", "unit"} - set(entry)
    if missing:
        raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
    where = f"{where} ({entry['key']})"
    months = tuple(range(1, 13)) if entry["months"] == "all" else tuple(int(m) for m in entry["months"] or [])
    if any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"{where}: months must be 1-12 or 'all'")
    ad_hoc = bool(entry.get("ad_hoc", False))
    if not months and not ad_hoc:
        raise ValueError(f"{where}: an activity without months must be ad_hoc (recorded as it happens)")
    if not 1 <= int(entry["day"]) <= 31:
        raise ValueError(f"{where}: day must be 1-31")
    unknown = set(entry["responsible"]) - ROLES
    if unknown:
        raise ValueError(f"{where}: unknown role(s) {', '.join(sorted(unknown))}")
    if entry["unit"] not in {kind.value for kind in UnitKind}:
        raise ValueError(f"{where}: unit must be one of {', '.join(kind.value for kind in UnitKind)}")
    unit = UnitKind(entry["unit"])
    if unit == UnitKind.TEAM_MANAGER and Role.TEAM_MANAGER.value not in entry["responsible"]:
        raise ValueError(f"{where}: an activity held per team manager needs team_manager among the responsible")
    methods = tuple(str(m) for m in entry.get("methods") or [])
    if set(methods) - METHODS:
        raise ValueError(f"{where}: unknown method(s) {', '.join(sorted(set(methods) - METHODS))}")
    return CalendarActivity(
        key=str(entry["key"]),
        name=str(entry["name"]),
        frequency=str(entry["frequency"]),
        months=months,
        day=int(entry["day"]),
        responsible=tuple(entry["responsible"]),
        feeds=str(entry.get("feeds", "")),
        unit=unit,
        methods=methods,
        framework_responsibility=str(entry.get("framework_responsibility", "")),
        ad_hoc=ad_hoc,
        remind_working_days_before=int(entry.get("remind_working_days_before", 5)),
    )


def load_calendar(path: Path = CALENDAR_FILE) -> list[CalendarActivity]:
    """Read and check the calendar file; a ValueError names the activity that is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    activities = [_activity(entry, n) for n, entry in enumerate(data.get("activities") or [], start=1)]
    keys = [a.key for a in activities]
    if len(set(keys)) != len(keys):
        raise ValueError("activity keys must be unique")
    return activities


def _months_around(today: date) -> list[tuple[int, int]]:
    """This month and the next two: far enough ahead for the longest reminder lead time."""
    months = []
    year, month = today.year, today.month
    for _ in range(3):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def upcoming(activities: list[CalendarActivity], today: date) -> list[tuple[CalendarActivity, date]]:
    """Occurrences due from today on whose reminder day has come (the latest is caught up after downtime)."""
    found = []
    for activity in activities:
        for year, month in _months_around(today):
            due = activity.due_in(year, month)
            if due is not None and activity.reminder_day(due) <= today <= due:
                found.append((activity, due))
    return found


def occurrences_between(activity: CalendarActivity, start: date, end: date) -> list[date]:
    """The activity's scheduled dates from ``start`` to ``end`` inclusive."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        due = activity.due_in(year, month)
        if due is not None and start <= due <= end:
            found.append(due)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


@dataclass(frozen=True)
class TeamDue:
    """A team whose occurrence of an activity is coming up, and whom to tell about it."""

    due_on: date
    team_id: int
    people: tuple[int, ...]


@dataclass(frozen=True)
class UnitDue:
    """A unit (one team, area or the whole service) whose occurrence of an activity is coming up,
    and whom to tell about it."""

    due_on: date
    unit_key: str
    people: tuple[int, ...]


def calendar_key(activity: str, due: date, person_id: int, unit: str = SERVICE.key) -> str:
    """The reminder's claim key; service-wide occurrences keep the key they had before units existed."""
    if unit == SERVICE.key:
        return f"calendar:{activity}:{due.isoformat()}:person:{person_id}"
    return f"calendar:{activity}:{due.isoformat()}:{unit}:person:{person_id}"


def _parse_key(key: str) -> tuple[str, date, str, int] | None:
    parts = key.split(":")
    if len(parts) == 5:
        _, activity, due, _, person = parts
        unit = SERVICE.key
    elif len(parts) == 6:
        _, activity, due, unit, _, person = parts
    else:
        return None
    return activity, date.fromisoformat(due), unit, int(person)


class _Organisation:
    """Who is where, loaded once per operation: units, who is responsible in each, who belongs."""

    def __init__(
        self,
        people: dict[int, Person],
        teams: list[Team],
        areas: list[ServiceArea],
        roles: list[tuple[int, str, int | None]],
    ) -> None:
        self.people = people
        self.teams = teams
        self.areas = areas
        self._team_area = {team.id: team.service_area_id for team in teams}
        self._holders: dict[str, set[int]] = {}
        self._seniors: dict[int | None, set[int]] = {}
        for person_id, role, area_id in roles:
            if person_id not in people:
                continue
            if role in AREA_ROLES:  # a Head of Service is a senior manager of their area
                role = Role.SENIOR_MANAGER.value
                self._seniors.setdefault(area_id, set()).add(person_id)
            self._holders.setdefault(role, set()).add(person_id)
        # A team's manager manages it whether or not the organisation file also gave them the role.
        managers = {team.manager_id for team in teams if team.manager_id in people}
        self._holders.setdefault(Role.TEAM_MANAGER.value, set()).update(m for m in managers if m is not None)

    @classmethod
    async def load(cls, session: AsyncSession) -> _Organisation:
        people = {p.id: p for p in await session.scalars(select(Person).where(Person.active))}
        teams = list(await session.scalars(select(Team).where(Team.active).order_by(Team.name)))
        areas = list(await session.scalars(select(ServiceArea).where(ServiceArea.active).order_by(ServiceArea.name)))
        roles = [
            (person_id, role, area_id)
            for person_id, role, area_id in await session.execute(
                select(RoleAssignment.person_id, RoleAssignment.role, RoleAssignment.service_area_id)
            )
        ]
        return cls(people, teams, areas, roles)

    # -- units -----------------------------------------------------------------------------------

    def units_for(self, activity: CalendarActivity) -> list[CalendarUnit]:
        if activity.unit == UnitKind.SERVICE:
            return [SERVICE]
        if activity.unit == UnitKind.SERVICE_AREA:
            return [CalendarUnit(f"area-{area.id}", UnitKind.SERVICE_AREA, area.name) for area in self.areas]
        if activity.unit == UnitKind.TEAM:
            return [CalendarUnit(f"team-{team.id}", UnitKind.TEAM, team.name) for team in self.teams]
        managers = sorted({t.manager_id for t in self.teams if t.manager_id in self.people}, key=self._name)
        return [CalendarUnit(f"manager-{m}", UnitKind.TEAM_MANAGER, self.people[m].display_name) for m in managers if m]

    def unit(self, activity: CalendarActivity, key: str) -> CalendarUnit:
        for unit in self.units_for(activity):
            if unit.key == key:
                return unit
        raise InvalidInput(text.OUT_OF_DATE)

    def teams_in(self, unit_key: str) -> list[Team]:
        """The active teams a unit covers (every team for the service-wide unit)."""
        return self._teams_of(unit_key)

    def _teams_of(self, unit_key: str) -> list[Team]:
        kind, _, ref = unit_key.partition("-")
        if kind == "team":
            return [team for team in self.teams if str(team.id) == ref]
        if kind == "area":
            return [team for team in self.teams if str(team.service_area_id) == ref]
        if kind == "manager":
            return [team for team in self.teams if str(team.manager_id) == ref]
        return list(self.teams)

    def _areas_of(self, unit_key: str) -> set[int]:
        kind, _, ref = unit_key.partition("-")
        if kind == "area":
            return {int(ref)}
        return {team.service_area_id for team in self._teams_of(unit_key)}

    def responsible(self, activity: CalendarActivity, unit_key: str, *, stand_ins: bool = True) -> list[int]:
        """The people reminded of, and allowed to record, the activity in that unit: the holders of
        each responsible role there and, when nobody holds one of the roles (``unheld``), the QA
        leads in their place (``stand_ins=False`` leaves them out)."""
        found = [person for role in activity.responsible for person in self._holders_in(role, unit_key)]
        if stand_ins and self.unheld(activity, unit_key):
            found += sorted(self._holders.get(Role.QA_LEAD.value, set()))
        return list(dict.fromkeys(found))

    def unheld(self, activity: CalendarActivity, unit_key: str) -> tuple[str, ...]:
        """The activity's responsible roles nobody holds in that unit (the QA lead is reminded instead)."""
        return tuple(role for role in activity.responsible if not self._holders_in(role, unit_key))

    def stands_in(self, activity: CalendarActivity, unit_key: str, person_id: int) -> tuple[str, ...]:
        """The roles a QA lead is reminded in place of (none for anyone else)."""
        if person_id not in self._holders.get(Role.QA_LEAD.value, set()):
            return ()
        return self.unheld(activity, unit_key)

    def _holders_in(self, role: str, unit_key: str) -> list[int]:
        """Who holds ``role`` for a unit: its teams' managers, its areas' senior managers and Heads of
        Service (with those who hold it for no area in particular), else everyone holding it."""
        service_wide = unit_key == SERVICE.key
        if role == Role.TEAM_MANAGER.value and not service_wide:
            return [
                t.manager_id
                for t in self._teams_of(unit_key)
                if t.manager_id is not None and t.manager_id in self.people
            ]
        if role == Role.SENIOR_MANAGER.value and not service_wide:
            return [p for area in [*self._areas_of(unit_key), None] for p in sorted(self._seniors.get(area, set()))]
        return sorted(self._holders.get(role, set()))

    def members(self, unit_key: str) -> list[int]:
        """Who may be chosen as attending (or own an action): the unit's people and its leaders."""
        if unit_key == SERVICE.key:
            chosen = set().union(*self._holders.values()) if self._holders else set()
        else:
            teams = {team.id for team in self._teams_of(unit_key)}
            chosen = {p.id for p in self.people.values() if p.team_id in teams}
            chosen |= {t.manager_id for t in self._teams_of(unit_key) if t.manager_id in self.people}
            for area in self._areas_of(unit_key):
                chosen |= self._seniors.get(area, set())
        return sorted((p for p in chosen if p in self.people), key=self._name)

    def sees(self, viewer_id: int, unit: CalendarUnit) -> bool:
        """The QA lead sees every unit; senior managers their areas; everyone else their own teams."""
        if viewer_id in self._holders.get(Role.QA_LEAD.value, set()) or unit.kind == UnitKind.SERVICE:
            return True
        viewer = self.people.get(viewer_id)
        senior_areas = {area for area, seniors in self._seniors.items() if viewer_id in seniors}
        if None in senior_areas:
            return True
        teams = [
            t
            for t in self.teams
            if t.manager_id == viewer_id or (viewer and t.id == viewer.team_id) or t.service_area_id in senior_areas
        ]
        if unit.kind == UnitKind.SERVICE_AREA:
            return int(unit.key.split("-")[1]) in {t.service_area_id for t in teams} | senior_areas
        if unit.kind == UnitKind.TEAM:
            return unit.key in {f"team-{t.id}" for t in teams}
        return unit.key in {f"manager-{t.manager_id}" for t in teams}

    def covers(self, unit_key: str, team_ids: Sequence[int]) -> bool:
        """Whether a (non service-wide) unit includes any of these teams."""
        return unit_key != SERVICE.key and any(team.id in team_ids for team in self._teams_of(unit_key))

    def name(self, person_id: int | None) -> str:
        person = self.people.get(person_id) if person_id is not None else None
        return person.display_name if person else ""

    def _name(self, person_id: int | None) -> str:
        return self.name(person_id).lower()


class QaCalendarService:
    """Reminds each unit's responsible people of the QA calendar and records what took place."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        outbox: Outbox | None,
        activities: list[CalendarActivity] | None = None,
        hours: working_time.WorkingHours | None = None,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._outbox = outbox
        self.activities = activities if activities is not None else load_calendar()
        self._hours = hours or working_time.WorkingHours()
        self._time_zone = time_zone

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    def activity(self, key: str) -> CalendarActivity:
        for activity in self.activities:
            if activity.key == key:
                return activity
        raise NotFound(text.NO_SUCH_ACTIVITY)

    # -- reminders --------------------------------------------------------------------------------

    async def run_due_reminders(self, now: datetime | None = None) -> list[str]:
        """Send each due calendar reminder once to each responsible person of each unit, in working hours."""
        now = now or self._clock.now()
        if self._outbox is None or not await anyone_at_work(self._sessions, self._hours, now, self._time_zone):
            return []
        sent: list[str] = []
        await self._rehand_stale(now)
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
            due = upcoming(self.activities, working_time.local_date(now, self._time_zone))
            held = await _recorded(session, {a.key for a, _ in due})
            wanted = [
                (activity, day, unit, person_id)
                for activity, day in due
                for unit in org.units_for(activity)
                if (activity.key, unit.key, day) not in held
                for person_id in org.responsible(activity, unit.key)
                if self._hours.contains(now, org.people[person_id].time_zone or self._time_zone)
            ]
            keys = [calendar_key(a.key, d, p, u.key) for a, d, u, p in wanted]
            already = await keys_already_claimed(session, keys)
        for activity, day, unit, person_id in wanted:
            key = calendar_key(activity.key, day, person_id, unit.key)
            if key in already:
                continue
            if await claim(
                self._sessions,
                key=key,
                kind=KIND,
                day=activity.reminder_day(day),
                recipient_id=person_id,
                action_id=None,
                now=now,
            ):
                await self._hand_over(key, org, activity, day, unit, person_id, now)
                sent.append(key)
        return sent

    async def teams_due(self, activity_key: str, now: datetime) -> list[TeamDue]:
        """Each active team whose unit's occurrence of ``activity_key`` is in its reminder window now
        and not yet recorded, with the people responsible for it *as held for that team* (for the
        performance clinic: the team's manager and its area's senior managers) who are in working
        hours now. Other features send their own cards on the calendar's cadence with this. The QA
        lead standing in for a role nobody holds gets the unit's calendar reminder, not every team's card."""
        activity, org, due = await self._unrecorded_due(activity_key, now)
        found = []
        for day, unit in due:
            for team in org.teams_in(unit.key):
                people = self._at_work(org, org.responsible(activity, f"team-{team.id}", stand_ins=False), now)
                if people:
                    found.append(TeamDue(day, team.id, people))
        return found

    async def units_due(self, activity_key: str, now: datetime) -> list[UnitDue]:
        """Each unit of ``activity_key`` (for a service-wide activity, the service) whose occurrence
        is in its reminder window now and not yet recorded, with the holders of its responsible
        roles who are in working hours now; as ``teams_due``, the QA lead standing in for a role
        nobody holds gets the calendar reminder, not the feature's card."""
        activity, org, due = await self._unrecorded_due(activity_key, now)
        found = []
        for day, unit in due:
            people = self._at_work(org, org.responsible(activity, unit.key, stand_ins=False), now)
            if people:
                found.append(UnitDue(day, unit.key, people))
        return found

    async def _unrecorded_due(
        self, activity_key: str, now: datetime
    ) -> tuple[CalendarActivity, _Organisation, list[tuple[date, CalendarUnit]]]:
        """The activity, the organisation, and each (day, unit) of the activity whose occurrence is
        in its reminder window now and not yet recorded as held."""
        activity = self.activity(activity_key)
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
            due = upcoming([activity], working_time.local_date(now, self._time_zone))
            held = await _recorded(session, {activity.key})
        return (
            activity,
            org,
            [
                (day, unit)
                for _, day in due
                for unit in org.units_for(activity)
                if (activity.key, unit.key, day) not in held
            ],
        )

    def _at_work(self, org: _Organisation, people: Iterable[int], now: datetime) -> tuple[int, ...]:
        """Those of ``people`` in their working hours now."""
        return tuple(p for p in people if self._hours.contains(now, org.people[p].time_zone or self._time_zone))

    async def _hand_over(
        self,
        key: str,
        org: _Organisation,
        activity: CalendarActivity,
        due: date,
        unit: CalendarUnit,
        person_id: int,
        now: datetime,
    ) -> None:
        """Hand one reminder to the delivery engine; a QA lead standing in for a role is told so."""
        assert self._outbox is not None
        standing_in_for = org.stands_in(activity, unit.key, person_id)
        card = calendar_cards.calendar_reminder_card(activity.occurrence(due, unit), standing_in_for=standing_in_for)
        await self._outbox.send_card_to_person(person_id, card, purpose=PURPOSE, dedupe_key=key)
        await mark_handed_over(self._sessions, key, now)

    async def _rehand_stale(self, now: datetime) -> None:
        stale = await stale_claims(self._sessions, now, for_actions=False, kind=KIND)
        if not stale:
            return
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
        for claimed in stale:
            parsed = _parse_key(claimed.key)
            if parsed is None:
                continue
            activity_key, due, unit_key, person_id = parsed
            try:
                activity = self.activity(activity_key)
                unit = org.unit(activity, unit_key)
            except (NotFound, InvalidInput):
                continue  # the activity or the unit is gone: nothing to remind of
            await self._hand_over(claimed.key, org, activity, due, unit, person_id, now)

    # -- the calendar card ------------------------------------------------------------------------

    async def schedule(self, viewer_id: int, *, days_back: int = 31, days_ahead: int = 62) -> list[UnitSchedule]:
        """The calendar around today, per unit the viewer is responsible for or oversees."""
        today = self.today()
        start, end = today - timedelta(days=days_back), today + timedelta(days=days_ahead)
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
            recorded = await _recorded(session, (a.key for a in self.activities))
        by_unit: dict[str, list[CalendarRow]] = {}
        units: dict[str, CalendarUnit] = {}
        for activity in self.activities:
            for unit in org.units_for(activity):
                if not org.sees(viewer_id, unit):
                    continue
                mine = viewer_id in org.responsible(activity, unit.key)
                for due in occurrences_between(activity, start, end):
                    held = recorded.get((activity.key, unit.key, due))
                    row = calendar_row(activity.occurrence(due, unit, held), responsible=mine, today=today)
                    units[unit.key] = unit
                    by_unit.setdefault(unit.key, []).append(row)
        order = sorted(units.values(), key=lambda u: (UNIT_ORDER.index(u.kind), u.name.lower()))
        return [
            UnitSchedule(unit, tuple(sorted(by_unit[unit.key], key=lambda r: (r.occurrence.due_on, r.occurrence.name))))
            for unit in order
        ]

    async def learning_event_choices(self, person_id: int) -> list[LearningEventChoice]:
        """The activities this person may record as they happen, in each unit they are responsible for."""
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
        return [
            LearningEventChoice(activity.key, activity.name, unit)
            for activity in self.activities
            if activity.ad_hoc
            for unit in org.units_for(activity)
            if person_id in org.responsible(activity, unit.key)
        ]

    # -- recording what happened ------------------------------------------------------------------

    async def open_record(
        self, activity_key: str, unit_key: str, due_on: date | None, *, person_id: int
    ) -> RecordForm | CalendarRecordView:
        """The record card for this occurrence, or what was recorded if it already was."""
        activity = self.activity(activity_key)
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
            unit = self._check(org, activity, unit_key, due_on, person_id)
            if due_on is not None:
                existing = await self._find(session, activity.key, unit.key, due_on)
                if existing is not None:
                    return await self._record_view(session, org, activity, unit, existing, already=True)
            people = tuple(PersonOption(p, org.name(p)) for p in org.members(unit.key)[:MAX_ATTENDEE_CHOICES])
        today = self.today()
        return RecordForm(activity.occurrence(due_on, unit), people, today, min(due_on or today, today))

    async def record(
        self,
        activity_key: str,
        unit_key: str,
        due_on: date | None,
        submission: RecordSubmission,
        *,
        person_id: int,
    ) -> CalendarRecordView:
        """Record that the occurrence took place: when, who came, what was found, the actions raised.

        ``due_on`` None records a learning event as it happened. A second record of the same
        activity, unit and date changes nothing and says it was recorded already.

        Raises:
            NotAllowed: the person is not responsible for the activity in that unit.
            InvalidInput: with ``field_errors`` for each answer that needs a look.
        """
        activity = self.activity(activity_key)
        today, now = self.today(), self._clock.now()
        async with transaction(self._sessions) as session:
            org = await _Organisation.load(session)
            unit = self._check(org, activity, unit_key, due_on, person_id)
            held_on, attendees, findings, drafts = _checked(submission, set(org.members(unit.key)), today)
            if due_on is None:
                due_on = await self._learning_event_date(session, activity, unit, held_on)
        try:
            async with transaction(self._sessions) as session:
                occurrence = CalendarOccurrence(
                    activity=activity.key,
                    unit=unit.key,
                    due_on=due_on,
                    held_on=held_on,
                    ad_hoc=due_on == held_on and activity.ad_hoc and not self._scheduled(activity, due_on),
                    findings=findings or None,
                    recorded_by_id=person_id,
                    recorded_at=now,
                )
                session.add(occurrence)
                await session.flush()
                session.add_all(CalendarAttendee(occurrence_id=occurrence.id, person_id=p) for p in attendees)
                for description, owner_id, due_date in drafts:
                    new = NewAction(
                        ActionSource.QA_CALENDAR,
                        description,
                        owner_id,
                        due_date,
                        source_ref=f"calendar:{occurrence.id}",
                    )
                    await add_action(session, new, created_by_id=person_id, now=now, today=today)
                occurrence_id = occurrence.id
            already = False
        except IntegrityError:  # a double submit, or a colleague was quicker: the first record stands
            already = True
            occurrence_id = None
        async with transaction(self._sessions) as session:
            stored = (
                await session.get(CalendarOccurrence, occurrence_id)
                if occurrence_id is not None
                else await self._find(session, activity.key, unit.key, due_on)
            )
            assert stored is not None
            return await self._record_view(session, org, activity, unit, stored, already=already)

    def _check(
        self, org: _Organisation, activity: CalendarActivity, unit_key: str, due_on: date | None, person_id: int
    ) -> CalendarUnit:
        unit = org.unit(activity, unit_key)
        if person_id not in org.responsible(activity, unit.key):
            raise NotAllowed(text.ONLY_RESPONSIBLE.format(name=activity.name))
        if due_on is None and not activity.ad_hoc:
            raise InvalidInput(text.OUT_OF_DATE)
        if due_on is not None and not self._scheduled(activity, due_on):
            raise InvalidInput(text.OUT_OF_DATE)
        return unit

    @staticmethod
    def _scheduled(activity: CalendarActivity, day: date) -> bool:
        return activity.due_in(day.year, day.month) == day

    async def _learning_event_date(
        self, session: AsyncSession, activity: CalendarActivity, unit: CalendarUnit, held_on: date
    ) -> date:
        """A learning event held in a month it is planned for counts for that month's occurrence
        (if not recorded yet); otherwise it stands on its own, dated the day it was held."""
        planned = activity.due_in(held_on.year, held_on.month)
        if planned is None:
            return held_on
        existing = await self._find(session, activity.key, unit.key, planned)
        return planned if existing is None or existing.held_on == held_on else held_on

    @staticmethod
    async def _find(session: AsyncSession, activity: str, unit: str, due_on: date) -> CalendarOccurrence | None:
        return await session.scalar(
            select(CalendarOccurrence).where(
                CalendarOccurrence.activity == activity,
                CalendarOccurrence.unit == unit,
                CalendarOccurrence.due_on == due_on,
            )
        )

    async def _record_view(
        self,
        session: AsyncSession,
        org: _Organisation,
        activity: CalendarActivity,
        unit: CalendarUnit,
        stored: CalendarOccurrence,
        *,
        already: bool,
    ) -> CalendarRecordView:
        attendee_ids = await session.scalars(
            select(CalendarAttendee.person_id).where(CalendarAttendee.occurrence_id == stored.id)
        )
        actions = await session.scalars(
            select(Action)
            .where(Action.source == ActionSource.QA_CALENDAR.value, Action.source_ref == f"calendar:{stored.id}")
            .order_by(Action.id)
        )
        held = stored.held_on or stored.due_on
        return CalendarRecordView(
            occurrence=activity.occurrence(None if stored.ad_hoc else stored.due_on, unit, held),
            held_on=held,
            attendees=tuple(sorted((org.name(p) or "?" for p in attendee_ids), key=str.lower)),
            findings=stored.findings or "",
            actions=tuple(RaisedAction(a.id, a.description, org.name(a.owner_id), a.due_date) for a in actions),
            recorded_by=org.name(stored.recorded_by_id),
            already_recorded=already,
        )

    # -- compliance (the QIM report) --------------------------------------------------------------

    async def compliance(self, start: date, end: date) -> list[UnitCompliance]:
        """Per unit and activity, how the scheduled occurrences from ``start`` to ``end`` (inclusive)
        stand today; see ``unit_compliance``."""
        async with transaction(self._sessions) as session:
            return await unit_compliance(session, self.activities, start, end, self.today())


async def unit_compliance(
    session: AsyncSession,
    activities: Sequence[CalendarActivity],
    start: date,
    end: date,
    today: date,
    *,
    team_ids: Sequence[int] | None = None,
) -> list[UnitCompliance]:
    """Per unit and activity, the scheduled occurrences from ``start`` to ``end`` (inclusive) held
    on time, held late, missed or still to come on ``today``, and the learning events recorded as
    they happened. With ``team_ids`` (a team's or an area's report) only the units those teams
    belong to count, service-wide ones left out."""
    org = await _Organisation.load(session)
    recorded = await _recorded(session, (a.key for a in activities))
    ad_hoc_rows = await session.execute(
        select(CalendarOccurrence.activity, CalendarOccurrence.unit).where(
            CalendarOccurrence.ad_hoc, CalendarOccurrence.due_on >= start, CalendarOccurrence.due_on <= end
        )
    )
    events: dict[tuple[str, str], int] = {}
    for activity_key, unit_key in ad_hoc_rows:
        events[(activity_key, unit_key)] = events.get((activity_key, unit_key), 0) + 1
    figures = []
    for activity in activities:
        for unit in org.units_for(activity):
            if team_ids is not None and not org.covers(unit.key, team_ids):
                continue
            states = [
                occurrence_state(due, recorded.get((activity.key, unit.key, due)), today)
                for due in occurrences_between(activity, start, end)
            ]
            extra = events.get((activity.key, unit.key), 0)
            if states or extra:
                figures.append(
                    UnitCompliance(
                        unit,
                        activity.key,
                        activity.name,
                        on_time=states.count(OccurrenceState.HELD),
                        late=states.count(OccurrenceState.LATE),
                        missed=states.count(OccurrenceState.MISSED),
                        due=states.count(OccurrenceState.DUE),
                        learning_events=extra,
                    )
                )
    return figures


async def _recorded(session: AsyncSession, activities: Iterable[str]) -> dict[tuple[str, str, date], date]:
    """(activity, unit, due date) -> the day it was held, for every recorded occurrence of these activities."""
    keys = set(activities)
    if not keys:
        return {}
    rows = await session.execute(
        select(
            CalendarOccurrence.activity, CalendarOccurrence.unit, CalendarOccurrence.due_on, CalendarOccurrence.held_on
        ).where(CalendarOccurrence.activity.in_(keys))
    )
    return {(activity, unit, due): held or due for activity, unit, due, held in rows}


def _checked(
    submission: RecordSubmission, members: set[int], today: date
) -> tuple[date, list[int], str, list[tuple[str, int, date]]]:
    """The record card's answers, checked; every problem is reported at once, by field."""
    errors: dict[str, str] = {}
    held_on = _date(submission.held_on)
    if held_on is None:
        errors["held_on"] = text.ERROR_HELD_ON
    elif held_on > today:
        errors["held_on"] = text.ERROR_HELD_IN_FUTURE
    attendees = _ids(submission.attendee_ids)
    if attendees is None or any(p not in members for p in attendees):
        errors["attendees"] = text.ERROR_ATTENDEES
    findings = submission.findings.strip()
    if len(findings) > MAX_FINDINGS:
        errors["findings"] = text.ERROR_FINDINGS_LONG.format(limit=MAX_FINDINGS)
    errors.update(personal_data.screen_fields({"findings": findings}, ["findings"]))
    drafts = []
    for number, draft in enumerate(submission.actions, start=1):
        checked = _draft(draft, number, members, today, errors)
        if checked is not None:
            drafts.append(checked)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)
    assert held_on is not None and attendees is not None
    return held_on, attendees, findings, drafts


def _draft(
    draft: ActionDraft, number: int, members: set[int], today: date, errors: dict[str, str]
) -> tuple[str, int, date] | None:
    """One action from the card, or None when its row was left empty."""
    description = draft.description.strip()
    if not (description or draft.owner_id.strip() or draft.due_date.strip()):
        return None
    prefix = f"action{number}_"
    if not description:
        errors[prefix + "what"] = text.ERROR_ACTION_WHAT.format(number=number)
    found = personal_data.screen(description)
    if found:
        errors[prefix + "what"] = found[0].message
    owner = _ids(draft.owner_id)
    if not owner or len(owner) != 1 or owner[0] not in members:
        errors[prefix + "owner"] = text.ERROR_ACTION_OWNER.format(number=number)
    due = _date(draft.due_date)
    if due is None or due < today:
        errors[prefix + "due"] = text.ERROR_ACTION_DUE.format(number=number)
    if prefix + "what" in errors or prefix + "owner" in errors or prefix + "due" in errors:
        return None
    assert owner is not None and due is not None
    return description, owner[0], due


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _ids(value: str) -> list[int] | None:
    """The ids of a (multi-)select as sent: ``"3,7"``; None when any part is not a number."""
    try:
        return list(dict.fromkeys(int(part) for part in value.split(",") if part.strip()))
    except ValueError:
        return None


def parse_due_on(value: Any) -> date | None:
    """The occurrence date a card carries; empty for a learning event recorded as it happened."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(text.OUT_OF_DATE) from None
