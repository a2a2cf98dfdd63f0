"""The QA calendar (the framework's Appendix 2): who must hold what, how often, and whether it happened.

The cadence lives in ``services/data/qa-calendar.yaml``. Ahead of each occurrence the people
holding a responsible role get a reminder card (exactly once each, through the same claimed
keys as action reminders: ``calendar:qim:2026-04-28:person:9``), only in their working hours;
one of them presses "It happened" and the occurrence is recorded (once, however often it is
pressed). An occurrence already recorded gets no more reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import actions as action_cards
from services import working_time
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.outbox import Outbox
from services.reminders import anyone_at_work, claim, keys_already_claimed, mark_handed_over, stale_claims
from storage.db import transaction
from storage.models import CalendarOccurrence, Person, Role, RoleAssignment, Team
from views.qa_calendar import CalendarOccurrenceView, CalendarRow, CalendarState

CALENDAR_FILE = Path(__file__).parent / "data" / "qa-calendar.yaml"
ROLES = {Role.TEAM_MANAGER.value, Role.SENIOR_MANAGER.value, Role.QA_LEAD.value, Role.MODERATOR.value}
KIND = "calendar"
RECORD_AHEAD_DAYS = 31
"""How far ahead of its date an occurrence may be recorded as held from the calendar card."""
PURPOSE = "qa-calendar"


def calendar_row(occurrence: CalendarOccurrenceView, *, recorded: bool, responsible: bool, today: date) -> CalendarRow:
    """Where ``occurrence`` stands on ``today``, and whether a person (``responsible`` for it or not) may record it now."""
    if recorded:
        state = CalendarState.HELD
    elif occurrence.due_on < today:
        state = CalendarState.NOT_RECORDED
    else:
        state = CalendarState.DUE
    recordable = responsible and not recorded and occurrence.due_on <= today + timedelta(days=RECORD_AHEAD_DAYS)
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
    remind_working_days_before: int = 5

    def due_in(self, year: int, month: int) -> date | None:
        """The occurrence's due date in that month (moved to a working day), if it falls in it."""
        if month not in self.months:
            return None
        last_day = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
        return working_time.working_day_on_or_after(date(year, month, min(self.day, last_day)))

    def reminder_day(self, due: date) -> date:
        return working_time.add_working_days(due, -self.remind_working_days_before)

    def occurrence(self, due: date, held_on: date | None = None) -> CalendarOccurrenceView:
        return CalendarOccurrenceView(self.key, self.name, self.frequency, due, self.feeds, held_on)


def _activity(entry: Any, position: int) -> CalendarActivity:
    where = f"activity {position}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping")
    missing = {"key", "name", "frequency", "months", "day", "responsible"} - set(entry)
    if missing:
        raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
    months = tuple(range(1, 13)) if entry["months"] == "all" else tuple(int(m) for m in entry["months"])
    if not months or any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"{where} ({entry['key']}): months must be 1-12 or 'all'")
    if not 1 <= int(entry["day"]) <= 31:
        raise ValueError(f"{where} ({entry['key']}): day must be 1-31")
    unknown = set(entry["responsible"]) - ROLES
    if unknown:
        raise ValueError(f"{where} ({entry['key']}): unknown role(s) {', '.join(sorted(unknown))}")
    return CalendarActivity(
        key=str(entry["key"]),
        name=str(entry["name"]),
        frequency=str(entry["frequency"]),
        months=months,
        day=int(entry["day"]),
        responsible=tuple(entry["responsible"]),
        feeds=str(entry.get("feeds", "")),
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


def _occurrences_between(activity: CalendarActivity, start: date, end: date) -> list[date]:
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        due = activity.due_in(year, month)
        if due is not None and start <= due <= end:
            found.append(due)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def calendar_key(activity: str, due: date, person_id: int) -> str:
    return f"calendar:{activity}:{due.isoformat()}:person:{person_id}"


class QaCalendarService:
    """Reminds the responsible people of the QA calendar and records what took place."""

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

    def _activity(self, key: str) -> CalendarActivity:
        for activity in self.activities:
            if activity.key == key:
                return activity
        raise NotFound("That QA calendar activity is no longer in the calendar.")

    async def run_due_reminders(self, now: datetime | None = None) -> list[str]:
        """Send each due calendar reminder once to each responsible person in working hours."""
        now = now or self._clock.now()
        if self._outbox is None or not await anyone_at_work(self._sessions, self._hours, now, self._time_zone):
            return []
        sent: list[str] = []
        await self._rehand_stale(now)
        async with transaction(self._sessions) as session:
            due = upcoming(self.activities, working_time.local_date(now, self._time_zone))
            held = await self._held(session, due)
            holders = await self._role_holders(session)
            wanted = [
                (activity, day, person)
                for activity, day in due
                if (activity.key, day) not in held
                for person in _unique(p for role in activity.responsible for p in holders.get(role, []))
                if self._hours.contains(now, person.time_zone or self._time_zone)
            ]
            already = await keys_already_claimed(session, [calendar_key(a.key, d, p.id) for a, d, p in wanted])
        for activity, day, person in wanted:
            key = calendar_key(activity.key, day, person.id)
            if key in already:
                continue
            reminder_day = activity.reminder_day(day)
            if await claim(
                self._sessions, key=key, kind=KIND, day=reminder_day, recipient_id=person.id, action_id=None, now=now
            ):
                await self._hand_over(key, activity, day, person.id, now)
                sent.append(key)
        return sent

    async def record_held(self, activity_key: str, due_on: date, *, person_id: int) -> CalendarOccurrenceView:
        """One of the responsible people says it took place (today). Saying it twice changes nothing."""
        activity = self._activity(activity_key)
        now = self._clock.now()
        async with transaction(self._sessions) as session:
            holders = await self._role_holders(session)
            if not any(p.id == person_id for role in activity.responsible for p in holders.get(role, [])):
                raise NotAllowed(f"Only the people responsible for the {activity.name} can record it.")
        try:
            async with transaction(self._sessions) as session:
                session.add(
                    CalendarOccurrence(
                        activity=activity.key,
                        due_on=due_on,
                        held_on=working_time.local_date(now, self._time_zone),
                        recorded_by_id=person_id,
                        recorded_at=now,
                    )
                )
        except IntegrityError:
            pass  # recorded already (a double click, or a colleague was quicker): the first record stands
        async with transaction(self._sessions) as session:
            recorded = await session.scalar(
                select(CalendarOccurrence).where(
                    CalendarOccurrence.activity == activity.key, CalendarOccurrence.due_on == due_on
                )
            )
        return activity.occurrence(due_on, recorded.held_on if recorded else None)

    async def schedule(self, person_id: int, *, days_back: int = 31, days_ahead: int = 92) -> list[CalendarRow]:
        """The calendar around today: each occurrence, whether it was recorded, and whether this person may record it."""
        today = working_time.local_date(self._clock.now(), self._time_zone)
        start, end = today - timedelta(days=days_back), today + timedelta(days=days_ahead)
        async with transaction(self._sessions) as session:
            holders = await self._role_holders(session)
            recorded = dict(
                (tuple(row[:2]), row[2])
                for row in await session.execute(
                    select(CalendarOccurrence.activity, CalendarOccurrence.due_on, CalendarOccurrence.held_on).where(
                        CalendarOccurrence.due_on >= start, CalendarOccurrence.due_on <= end
                    )
                )
            )
        entries = []
        for activity in self.activities:
            mine = any(p.id == person_id for role in activity.responsible for p in holders.get(role, []))
            for due in _occurrences_between(activity, start, end):
                held = recorded.get((activity.key, due))
                entries.append(
                    calendar_row(
                        activity.occurrence(due, held),
                        recorded=(activity.key, due) in recorded,
                        responsible=mine,
                        today=today,
                    )
                )
        return sorted(entries, key=lambda entry: (entry.occurrence.due_on, entry.occurrence.name))

    async def _hand_over(self, key: str, activity: CalendarActivity, due: date, person_id: int, now: datetime) -> None:
        assert self._outbox is not None
        card = action_cards.calendar_reminder_card(activity.occurrence(due))
        await self._outbox.send_card_to_person(person_id, card, purpose=PURPOSE, dedupe_key=key)
        await mark_handed_over(self._sessions, key, now)

    async def _rehand_stale(self, now: datetime) -> None:
        for stale in await stale_claims(self._sessions, now, for_actions=False, kind=KIND):
            _, activity_key, due_text, _, person = stale.key.split(":")
            try:
                activity = self._activity(activity_key)
            except NotFound:
                continue
            await self._hand_over(stale.key, activity, date.fromisoformat(due_text), int(person), now)

    async def _held(self, session: AsyncSession, due: list[tuple[CalendarActivity, date]]) -> set[tuple[str, date]]:
        if not due:
            return set()
        rows = await session.execute(
            select(CalendarOccurrence.activity, CalendarOccurrence.due_on).where(
                CalendarOccurrence.activity.in_({a.key for a, _ in due})
            )
        )
        return {(activity, day) for activity, day in rows}

    async def _role_holders(self, session: AsyncSession) -> dict[str, list[Person]]:
        rows = await session.execute(
            select(RoleAssignment.role, Person).join(Person, Person.id == RoleAssignment.person_id).where(Person.active)
        )
        holders: dict[str, list[Person]] = {}
        for role, person in rows:
            holders.setdefault(role, []).append(person)
        # A team's manager manages it whether or not the organisation file also gave them the role.
        managers = await session.scalars(select(Person).join(Team, Team.manager_id == Person.id).where(Person.active))
        holders[Role.TEAM_MANAGER.value] = _unique([*holders.get(Role.TEAM_MANAGER.value, []), *managers])
        return holders


def _unique(people: Any) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        seen.setdefault(person.id, person)
    return list(seen.values())


def parse_due_on(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("That calendar card is out of date.") from None
