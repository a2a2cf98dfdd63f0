"""Assurance of what the QIM agreed: a monthly update card to the owner of every open
service-level action and every active plan priority, and the trail their answers make.

Each month (from its first working day, in working hours) the owner gets one card per action or
priority that existed before the month began, exactly once: the key
``assurance:action:42:2026-05`` is claimed in ``sent_reminders`` (as action reminders are) before
the card is handed to the delivery engine with that key as its dedupe key. The owner writes what
happened and a RAG status; each answer is an ``AssuranceUpdate`` row (and, for an action, a
progress entry in the action's story), never overwritten, so the QIM sees the whole trail.
Completion evidence and the impact review ("what difference did it make, how do we know?")
stay the action's own (``services.actions``); the trail shows them beside the updates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import qim as qim_cards
from cards import text_qim as text
from services import access_log, actors, personal_data, policy, working_time
from services.actions.rights import require as require_on_action
from services.actions.story import record_event
from services.actors import Actor
from services.clock import Clock
from services.errors import InvalidInput, NotFound
from services.outbox import Outbox
from services.policy import Permission
from services.reminders import anyone_at_work, claim, keys_already_claimed, mark_handed_over, stale_claims
from services.teams_data import TeamsUser
from storage.db import transaction
from storage.models import (
    Action,
    ActionEventKind,
    AssuranceUpdate,
    ImprovementPriority,
    ImprovementStatus,
    RagStatus,
)
from storage.repositories import actions as action_repo
from storage.repositories import qim as repo
from views import periods
from views.actions import ActionStatus
from views.qim import AssuredKind, TrailEntry, UpdateRequest

logger = logging.getLogger(__name__)

KIND = "assurance"
PURPOSE = "assurance-update"
MAX_PROGRESS = 4000


def update_key(kind: AssuredKind, subject_id: int, month: str) -> str:
    return f"{KIND}:{kind.value}:{subject_id}:{month}"


def parse_key(key: str) -> tuple[AssuredKind, int, str] | None:
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != KIND:
        return None
    try:
        return AssuredKind(parts[1]), int(parts[2]), parts[3]
    except ValueError:
        return None


@dataclass(frozen=True)
class _Due:
    key: str
    owner_id: int
    request: UpdateRequest


class AssuranceService:
    """Monthly update cards to owners, and the updates they send back."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        outbox: Outbox | None = None,
        hours: working_time.WorkingHours | None = None,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._outbox = outbox
        self._hours = hours or working_time.WorkingHours()
        self._time_zone = time_zone

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    # -- the monthly cards -------------------------------------------------------------------

    async def run_monthly(self, now: datetime | None = None) -> list[str]:
        """Hand over every monthly update card due and not yet claimed; returns their keys."""
        now = now or self._clock.now()
        if self._outbox is None or not await anyone_at_work(self._sessions, self._hours, now, self._time_zone):
            return []
        sent = await self._rehand_stale(now)
        today = working_time.local_date(now, self._time_zone)
        async with transaction(self._sessions) as session:
            due = await self._due(session, today)
            claimed = await keys_already_claimed(session, [d.key for d in due])
        for item in due:
            if item.key in claimed:
                continue
            if await claim(
                self._sessions, key=item.key, kind=KIND, day=today, recipient_id=item.owner_id, action_id=None, now=now
            ):
                await self._hand_over(item, now)
                sent.append(item.key)
        if sent:
            logger.info("monthly assurance update cards sent: %d", len(sent))
        return sent

    async def _due(self, session: AsyncSession, today: date) -> list[_Due]:
        """One card per open service-level action and active priority that existed before this month."""
        month = f"{today:%Y-%m}"
        month_start = periods.local_midnight_utc(today.replace(day=1), self._time_zone)
        found = [
            _Due(
                update_key(AssuredKind.ACTION, action.id, month),
                action.owner_id,
                await self._request(session, AssuredKind.ACTION, action, month),
            )
            for action in await repo.open_service_actions(session, created_before=month_start)
        ]
        found += [
            _Due(
                update_key(AssuredKind.PRIORITY, priority.id, month),
                priority.owner_id,
                await self._request(session, AssuredKind.PRIORITY, priority, month),
            )
            for priority in await repo.active_priorities(session, created_before=month_start)
        ]
        return found

    async def _request(
        self, session: AsyncSession, kind: AssuredKind, subject: Action | ImprovementPriority, month: str
    ) -> UpdateRequest:
        latest = (await repo.latest_updates(session)).get((kind.value, subject.id))
        previous = None
        if latest is not None:
            previous = TrailEntry(
                kind,
                subject.id,
                "",
                latest.month,
                latest.rag,
                latest.progress,
                "",
                working_time.local_date(latest.written_at, self._time_zone),
            )
        if isinstance(subject, Action):
            return UpdateRequest(kind, subject.id, subject.description, month, subject.due_date, previous)
        return UpdateRequest(kind, subject.id, subject.title, month, None, previous)

    async def _hand_over(self, item: _Due, now: datetime) -> None:
        assert self._outbox is not None
        await self._outbox.send_card_to_person(
            item.owner_id, qim_cards.update_card(item.request), purpose=PURPOSE, dedupe_key=item.key
        )
        await mark_handed_over(self._sessions, item.key, now)

    async def _rehand_stale(self, now: datetime) -> list[str]:
        """Claims whose hand-over never finished (the process stopped in between): hand them over again."""
        rehanded = []
        for stale in await stale_claims(self._sessions, now, for_actions=False, kind=KIND):
            parsed = parse_key(stale.key)
            if parsed is None:
                continue
            kind, subject_id, month = parsed
            async with transaction(self._sessions) as session:
                subject = await self._subject(session, kind, subject_id)
                request = await self._request(session, kind, subject, month)
            await self._hand_over(_Due(stale.key, stale.recipient_id, request), now)
            rehanded.append(stale.key)
        return rehanded

    # -- the owner's answer ------------------------------------------------------------------

    async def record_update(
        self, user: TeamsUser, kind: AssuredKind, subject_id: int, *, month: str, progress: str, rag: str
    ) -> TrailEntry:
        """Store the owner's update (progress and RAG). ``InvalidInput`` names every problem; nothing
        is saved then. ``NotAllowed`` unless ``user`` may work on the action or owns the priority."""
        cleaned = progress.strip()
        errors = personal_data.screen_fields({"progress": cleaned}, ["progress"])
        if not cleaned:
            errors["progress"] = text.PROBLEM_PROGRESS
        elif len(cleaned) > MAX_PROGRESS:
            errors["progress"] = text.PROBLEM_TOO_LONG.format(limit=MAX_PROGRESS)
        if rag not in set(RagStatus):
            errors["rag"] = text.PROBLEM_RAG
        if not _is_month(month):
            raise InvalidInput(text.PROBLEM_STALE)
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user.teams_user_id)
            subject = await self._subject(session, kind, subject_id, for_update=True)
            await self._check_may_update(session, actor, subject)
            if errors:
                raise InvalidInput(text.PROBLEM_FIELDS, errors)
            now = self._clock.now()
            row = AssuranceUpdate(
                action_id=subject.id if kind == AssuredKind.ACTION else None,
                priority_id=subject.id if kind == AssuredKind.PRIORITY else None,
                month=month,
                progress=cleaned,
                rag=rag,
                author_id=actor.person_id,
                written_at=now,
            )
            session.add(row)
            if isinstance(subject, Action):
                await record_event(
                    session, subject, ActionEventKind.PROGRESS, actor_id=actor.person_id, now=now, note=cleaned, rag=rag
                )
                subject.updated_at = now
            await session.flush()
            await access_log.record(
                session,
                actor,
                access_log.SUBMIT,
                "assurance_update",
                row.id,
                {"kind": kind.value, "id": subject.id},
                summary="monthly assurance update",
            )
            title = subject.description if isinstance(subject, Action) else subject.title
            return TrailEntry(
                kind, subject.id, title, month, rag, cleaned, user.name, working_time.local_date(now, self._time_zone)
            )

    async def request_for(self, user: TeamsUser, kind: AssuredKind, subject_id: int, month: str) -> UpdateRequest:
        """The update card's content again (to show a form back with its problems), for its owner."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user.teams_user_id)
            subject = await self._subject(session, kind, subject_id)
            await self._check_may_update(session, actor, subject)
            return await self._request(session, kind, subject, month)

    async def _check_may_update(
        self, session: AsyncSession, actor: Actor, subject: Action | ImprovementPriority
    ) -> None:
        if isinstance(subject, Action):
            await require_on_action(session, actor.person_id or 0, Permission.SUBMIT, subject)
            if subject.status in (ActionStatus.DONE, ActionStatus.CANCELLED):
                raise InvalidInput(text.PROBLEM_CLOSED)
            return
        policy.require(actor, Permission.SUBMIT, policy.improvement_plan(owner_id=subject.owner_id))
        if subject.status != ImprovementStatus.ACTIVE:
            raise InvalidInput(text.PROBLEM_NOT_ACTIVE)

    @staticmethod
    async def _subject(
        session: AsyncSession, kind: AssuredKind, subject_id: int, *, for_update: bool = False
    ) -> Action | ImprovementPriority:
        subject: Action | ImprovementPriority | None
        if kind == AssuredKind.ACTION:
            subject = await action_repo.get(session, subject_id, for_update=for_update)
        else:
            subject = await session.get(ImprovementPriority, subject_id)
        if subject is None:
            raise NotFound(text.PROBLEM_STALE)
        return subject


def _is_month(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m")
    except ValueError:
        return False
    return True
