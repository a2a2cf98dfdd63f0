"""Sending action reminders, escalations and impact cards, each exactly once.

``run_due_reminders(now)`` is what the periodic job calls (every few minutes). For each open or
recently done action it asks the pure planner (``services.reminder_policy``) what is due by
today, keeps the reminders whose recipient is in working hours *now* (their own time zone,
never weekends or bank holidays), and for each one:

1. **claims** it: inserts its key (``action:42:overdue:2026-03-24``) into ``sent_reminders`` in
   its own transaction. The key is unique, so of two instances (or a retry after a restart)
   exactly one wins; the loser skips it;
2. **hands it to the delivery engine** with the same key as ``dedupe_key``, so even a re-hand
   after a crash between (1) and (3) produces one Teams message;
3. marks the claim ``handed_over_at``. Claims left without it (the process died in between)
   are handed over again by the next run.

Because the plan is recomputed from the action's current state on every run, done or
cancelled actions get nothing more, a new due date re-plans by itself, and after downtime the
latest missed reminder goes out on the next working morning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import actions as action_cards
from services import working_time
from services.actions import Seniors, assignable_choices, load_seniors, manager_id_of, rights_over, to_view
from services.clock import Clock
from services.outbox import Outbox
from services.reminder_policy import ActionState, PlannedReminder, ReminderKind, ReminderPolicy, reminders_due
from services.telemetry import reminders_sent
from storage.db import transaction
from storage.models import Action, Person, SentReminder
from storage.repositories import actions as action_repo
from views.actions import ActionView, EscalationAudience

logger = logging.getLogger(__name__)

Card = dict[str, Any]
STALE_CLAIM = timedelta(minutes=10)
PURPOSE = "action-reminder"


@dataclass
class ReminderRun:
    """What one run did, for logs and tests."""

    sent: list[str] = field(default_factory=list)
    already_claimed: list[str] = field(default_factory=list)
    outside_hours: int = 0
    rehanded: list[str] = field(default_factory=list)


def _escalated_to(action: Action, seniors: Seniors) -> tuple[int | None, tuple[int, ...]]:
    """(line manager, or None and the people above the owner instead)."""
    manager = manager_id_of(action.owner)
    return manager, (() if manager is not None else seniors.above(action.owner))


def _state(action: Action, time_zone: str | None, seniors: Seniors) -> ActionState:
    def local(moment: datetime | None) -> date | None:
        return working_time.local_date(moment, time_zone) if moment else None

    manager, above = _escalated_to(action, seniors)
    return ActionState(
        action_id=action.id,
        status=action.status,
        due_date=action.due_date,
        created_on=working_time.local_date(action.created_at, time_zone),
        owner_id=action.owner_id,
        manager_id=manager,
        seniors=above,
        completed_on=local(action.completed_at),
        impact_answered=bool(action.impact_answer),
        more_asked_on=local(action.impact_more_asked_at) if action.impact_more_asked else None,
    )


class ReminderService:
    """Plans and sends reminders; safe to run from several instances at once."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        outbox: Outbox | None,
        policy: ReminderPolicy | None = None,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._outbox = outbox
        self.policy = policy or ReminderPolicy()
        self._time_zone = time_zone

    async def run_due_reminders(self, now: datetime | None = None) -> ReminderRun:
        """Send every reminder that is due and not yet sent. Returns what happened."""
        now = now or self._clock.now()
        run = ReminderRun()
        if self._outbox is None or not await anyone_at_work(self._sessions, self.policy.hours, now, self._time_zone):
            return run
        await self._rehand_stale_claims(now, run)
        async with transaction(self._sessions) as session:
            candidates = await action_repo.open_actions(session) + await action_repo.done_without_impact(session)
            seniors = await load_seniors(session)
            people = await self._people(session, candidates, seniors)
            planned = self._plan(candidates, people, seniors, now, run)
            sent_keys = await keys_already_claimed(session, [p.key for p, _ in planned])
        for reminder, action in planned:
            if reminder.key in sent_keys:
                continue
            if await claim(
                self._sessions,
                key=reminder.key,
                kind=reminder.kind.value,
                day=reminder.day,
                recipient_id=reminder.recipient_id,
                action_id=reminder.action_id,
                now=now,
            ):
                await self._hand_over(reminder, action, people, now)
                run.sent.append(reminder.key)
            else:
                run.already_claimed.append(reminder.key)
        return run

    def _plan(
        self,
        candidates: Sequence[Action],
        people: dict[int, Person],
        seniors: Seniors,
        now: datetime,
        run: ReminderRun,
    ) -> list[tuple[PlannedReminder, Action]]:
        planned = []
        for action in candidates:
            owner_zone = self._zone_of(people.get(action.owner_id))
            today = working_time.local_date(now, owner_zone)
            for reminder in reminders_due(_state(action, owner_zone, seniors), self.policy, today):
                if self.policy.hours.contains(now, self._zone_of(people.get(reminder.recipient_id))):
                    planned.append((reminder, action))
                else:
                    run.outside_hours += 1
        return planned

    def _zone_of(self, person: Person | None) -> str:
        return (person.time_zone if person else None) or self._time_zone

    async def _people(self, session: AsyncSession, actions: Sequence[Action], seniors: Seniors) -> dict[int, Person]:
        """Owners and everyone their reminders may go to (for their time zones)."""
        ids = {a.owner_id for a in actions}
        for action in actions:
            manager, above = _escalated_to(action, seniors)
            ids.update(above if manager is None else (manager,))
        if not ids:
            return {}
        return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}

    async def _hand_over(
        self, reminder: PlannedReminder, action: Action, people: dict[int, Person], now: datetime
    ) -> None:
        card = await self._card_for(reminder, action, people, now)
        assert self._outbox is not None
        await self._outbox.send_card_to_person(reminder.recipient_id, card, purpose=PURPOSE, dedupe_key=reminder.key)
        await mark_handed_over(self._sessions, reminder.key, now)
        reminders_sent.add(1, {"kind": reminder.kind.value})

    async def _rehand_stale_claims(self, now: datetime, run: ReminderRun) -> None:
        """Claims whose hand-over never finished (a crash in between): hand them over again."""
        stale = await stale_claims(self._sessions, now, for_actions=True)
        async with transaction(self._sessions) as session:
            actions = {s.action_id: await action_repo.get(session, s.action_id) for s in stale if s.action_id}
            seniors = await load_seniors(session)
            people = await self._people(session, [a for a in actions.values() if a is not None], seniors)
        for claim in stale:
            action = actions.get(claim.action_id)
            if action is None:
                continue
            reminder = PlannedReminder(claim.action_id, ReminderKind(claim.kind), claim.day, claim.recipient_id)  # type: ignore[arg-type]
            await self._hand_over(reminder, action, people, now)
            run.rehanded.append(claim.key)

    async def _card_for(
        self, reminder: PlannedReminder, action: Action, people: dict[int, Person], now: datetime
    ) -> Card:
        today = working_time.local_date(now, self._zone_of(people.get(reminder.recipient_id)))
        async with transaction(self._sessions) as session:
            proposal = await action_repo.pending_proposal(session, action.id)
            view = to_view(action, today, proposal)
            if reminder.kind in (ReminderKind.ESCALATION, ReminderKind.SENIOR_ESCALATION):
                return await _escalation_card(session, reminder.recipient_id, action, view, today)
        if reminder.kind is ReminderKind.IMPACT:
            return action_cards.impact_card(view)
        if reminder.kind is ReminderKind.IMPACT_MORE:
            return action_cards.impact_card(view, more_note=action.impact_more_asked_note)
        return action_cards.action_card(view, today=today, kind=reminder.kind.value)


async def _escalation_card(
    session: AsyncSession, recipient_id: int, action: Action, view: ActionView, today: date
) -> Card:
    """The escalation as this recipient may act on it: only the buttons the permission rules allow them
    (a line manager may also record progress; a senior manager or QA lead decides: date, reassign, cancel)."""
    actor, rights = await rights_over(session, recipient_id, action)
    if manager_id_of(action.owner) == recipient_id:
        audience = EscalationAudience.TEAM
    elif actor.leads_team_area(action.owner.team_id):
        audience = EscalationAudience.AREA
    else:
        audience = EscalationAudience.QA
    return action_cards.escalation_card(
        view,
        today=today,
        working_days_overdue=working_time.working_days_between(action.due_date, today),
        colleagues=await assignable_choices(session, actor) if rights.decide else [],
        audience=audience,
        working=rights.work,
        deciding=rights.decide,
    )


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    *,
    key: str,
    kind: str,
    day: date,
    recipient_id: int,
    action_id: int | None,
    now: datetime,
) -> bool:
    """Insert a reminder's key before sending it; False when another run (or instance) already has it."""
    try:
        async with transaction(sessions) as session:
            session.add(
                SentReminder(
                    key=key, action_id=action_id, kind=kind, day=day, recipient_id=recipient_id, claimed_at=now
                )
            )
    except IntegrityError:
        return False
    return True


async def mark_handed_over(sessions: async_sessionmaker[AsyncSession], key: str, now: datetime) -> None:
    async with transaction(sessions) as session:
        await session.execute(update(SentReminder).where(SentReminder.key == key).values(handed_over_at=now))


async def stale_claims(
    sessions: async_sessionmaker[AsyncSession], now: datetime, *, for_actions: bool, kind: str | None = None
) -> list[SentReminder]:
    """Claims never handed over (the process stopped in between), old enough that no run is still on them.

    Action claims, or the other claims of one ``kind`` (the calendar's and the surveys' keys differ in shape)."""
    condition = SentReminder.action_id.is_not(None) if for_actions else SentReminder.action_id.is_(None)
    if kind is not None:
        condition = condition & (SentReminder.kind == kind)
    async with transaction(sessions) as session:
        query = select(SentReminder).where(
            SentReminder.handed_over_at.is_(None), SentReminder.claimed_at < now - STALE_CLAIM, condition
        )
        return list(await session.scalars(query))


async def keys_already_claimed(session: AsyncSession, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(await session.scalars(select(SentReminder.key).where(SentReminder.key.in_(keys))))


async def anyone_at_work(
    sessions: async_sessionmaker[AsyncSession], hours: working_time.WorkingHours, now: datetime, default_zone: str
) -> bool:
    """Whether it is working time for anybody now: most runs (nights, weekends) stop at this one query."""
    if hours.contains(now, default_zone):
        return True
    async with sessions() as session:
        zones = set(await session.scalars(select(Person.time_zone).where(Person.time_zone.is_not(None)).distinct()))
    return any(hours.contains(now, zone) for zone in zones)
