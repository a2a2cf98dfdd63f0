"""The Quality Improvement Meeting: one record per meeting, the pack posted before it, the chair's
decisions and service-level actions.

Meetings fall on the QA calendar's QIM dates (``services/data/qa-calendar.yaml``, activity
``qim``). ``run_due`` (called by the reminder pass) posts each meeting's pack to the QIM channel
``pack_days_before`` days ahead, exactly once: the meeting row is claimed by a conditional update
before the card is handed to the delivery engine with the key ``qim-pack:<date>``, and a claim
whose hand-over never finished is handed over again. The channel is the one where the chair (or
the QA Head of Service) last typed ``@qop qim pack``.

The pack posted in the channel is the members' view (no chair's buttons) with a Universal Actions
refresh naming the Teams ids of whoever holds a chair's role; their clients ask for their own view
(``pack(in_channel=True)``), which has the buttons only if the role is still held. A decision
recorded or changed, or an action raised, edits the meeting's posted packs for everyone.

Members of the QIM (``policy.qim_meeting``, VIEW) read the pack; the chair and the QA Head of
Service (CHANGE) record decisions and raise service-level actions (source ``qim``, an owner and a
due date required). A decision's wording can be changed, but ``original_text`` keeps what was first
recorded and every change is a ``QimDecisionChange`` row (who, when, before, after, and whether the
meeting was over) beside an access-log entry, in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import qim as qim_cards
from cards import text_qim as text
from services import access_log, actors, personal_data, policy, working_time
from services.actions import NewAction, add_action
from services.actors import Actor
from services.clock import Clock
from services.digest.findings import digest_findings
from services.digest.service import DigestService
from services.errors import InvalidInput, NotFound
from services.improvement.learning import LearningService
from services.improvement.service import owner_by_email
from services.measures.service import MeasuresService, NoMeasures
from services.outbox import Outbox
from services.policy import Permission
from services.qa_calendar import CalendarActivity, load_calendar, occurrences_between
from services.qim import trail
from services.teams_data import TeamsUser
from storage.db import transaction
from storage.models import (
    ActionSource,
    Conversation,
    ConversationKind,
    ImprovementPriority,
    ImprovementPriorityAction,
    ImprovementStatus,
    Person,
    QimDecision,
    QimDecisionChange,
    QimMeeting,
    Role,
    RoleAssignment,
)
from storage.repositories import conversations as conversation_repo
from storage.repositories import deliveries as delivery_repo
from storage.repositories import improvement as plan_repo
from storage.repositories import qim as repo
from views import periods
from views.measures import MeasureStatus
from views.qim import (
    MAX_REFRESH_USERS,
    DecisionChangeView,
    DecisionView,
    MeetingView,
    PackView,
    ServiceActionInput,
    ServiceActionView,
)

logger = logging.getLogger(__name__)

QIM_ACTIVITY = "qim"
PURPOSE = "qim-pack"
RECORD_MEETING = "qim_meeting"
RECORD_DECISION = "qim_decision"
MAX_DECISION = 2000
CURRENT_AFTER_DAYS = 14
"""A meeting stays the current one for this long after its date (decisions written up afterwards)."""
ACTIONS_CLOSED_SHOWN_DAYS = 120
"""Service-level actions closed within this many days still show in the pack (done since last time)."""
STALE_CLAIM = timedelta(minutes=10)
CHAIR_ROLES = (Role.SERVICE_DIRECTOR, Role.QA_HEAD_OF_SERVICE)
"""Who may record decisions and raise actions (``policy``: QIM meeting, CHANGE): whose Teams clients
ask for the chair's view of the pack posted in the channel."""
UPDATE_PURPOSE = "qim-pack-update"
POSTED_PACKS_UPDATED = 5
"""A meeting's packs in the channel edited after a decision or action (the latest ones)."""


def pack_key(meeting_on: date) -> str:
    return f"qim-pack:{meeting_on.isoformat()}"


def posted_now_key_prefix(meeting_id: int) -> str:
    """The start of the key of a pack posted by hand (``@qop qim pack``) for this meeting."""
    return f"qim-pack-now:{meeting_id}:"


class QimService:
    """The QIM's pack, decisions and service-level actions."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        digests: DigestService,
        learning: LearningService,
        outbox: Outbox | None = None,
        activity: CalendarActivity | None = None,
        measures: MeasuresService | None = None,
        pack_days_before: int = 5,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._digests = digests
        self._learning = learning
        self._outbox = outbox
        self._activity = activity or next((a for a in load_calendar() if a.key == QIM_ACTIVITY), None)
        self._measures = measures
        self.pack_days_before = pack_days_before
        self._time_zone = time_zone

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    def meeting_dates(self, start: date, end: date) -> list[date]:
        """The QIM's dates from ``start`` to ``end`` inclusive, as the QA calendar sets them."""
        return occurrences_between(self._activity, start, end) if self._activity else []

    def current_meeting_on(self, today: date) -> date:
        """The meeting people mean now: one held in the last two weeks, else the next one."""
        dates = self.meeting_dates(today - timedelta(days=CURRENT_AFTER_DAYS), today + timedelta(days=400))
        if not dates:
            raise NotFound(text.NO_MEETING)
        return dates[0]

    # -- the pack ----------------------------------------------------------------------------

    async def pack(
        self, user: TeamsUser | None, *, meeting_id: int | None = None, in_channel: bool = False
    ) -> PackView:
        """The current meeting's pack (or ``meeting_id``'s) for a member of the QIM; None: the command line.

        The chair's buttons show only for someone who may record decisions now (whatever a card's
        refresh list says). ``in_channel``: the card replaces one posted in the QIM channel, so it
        keeps asking Teams to refresh the chair's and the QA Head of Service's view."""
        actor = await self._require(user, Permission.VIEW)
        async with transaction(self._sessions) as session:
            meeting = await self._meeting(session, meeting_id)
            await access_log.record(
                session, actor, access_log.VIEW, RECORD_MEETING, meeting.id, _origin(user), summary="QIM pack viewed"
            )
            can_record = actor is None or policy.allows(actor, Permission.CHANGE, policy.qim_meeting())
            meeting_id = meeting.id
            refresh_user_ids = await _chair_teams_ids(session) if in_channel else ()
        return await self._build_pack(meeting_id, can_record=can_record, refresh_user_ids=refresh_user_ids)

    async def post_pack_here(self, user: TeamsUser, conversation_id: str) -> MeetingView:
        """``@qop qim pack`` in a channel: it becomes the QIM channel, and the current pack is posted now."""
        actor = await self._require(user, Permission.CHANGE)
        if self._outbox is None:
            raise InvalidInput(text.PACK_UNAVAILABLE)
        async with transaction(self._sessions) as session:
            conversation = await conversation_repo.get(session, conversation_id)
            if conversation is None or conversation.kind != ConversationKind.CHANNEL:
                raise InvalidInput(text.CHANNEL_ONLY)
            meeting = await self._meeting(session, None)
            meeting.conversation_id = conversation.id
            await access_log.record(
                session,
                actor,
                access_log.CHANGE,
                RECORD_MEETING,
                meeting.id,
                {"channel": conversation.id},
                summary="QIM channel set and pack posted",
            )
            meeting_id, channel_id = meeting.id, conversation.id
        # Asked for by hand: a new post each time (the scheduled one keeps its own key).
        return await self._hand_over(
            meeting_id, channel_id, key=f"qim-pack-now:{meeting_id}:{self._clock.now():%Y%m%dT%H%M%S}"
        )

    async def run_due(self, now: datetime | None = None) -> list[str]:
        """Post the next meeting's pack when it is ``pack_days_before`` days away or less, once."""
        now = now or self._clock.now()
        if self._outbox is None or self._activity is None:
            return []
        today = working_time.local_date(now, self._time_zone)
        upcoming = self.meeting_dates(today, today + timedelta(days=self.pack_days_before))
        if not upcoming:
            return []
        meeting_on = upcoming[0]
        async with transaction(self._sessions) as session:
            meeting = await self._meeting_on(session, meeting_on)
            meeting_id, channel_id = meeting.id, meeting.conversation_id
            if meeting.pack_posted_at is not None:
                return []
            stale = meeting.pack_claimed_at is not None and meeting.pack_claimed_at < now - STALE_CLAIM
        if channel_id is None:
            logger.warning("the QIM pack for %s is due but no QIM channel is set", meeting_on)
            return []
        if not stale and not await self._claim(meeting_id, now):
            return []
        await self._hand_over(meeting_id, channel_id, key=pack_key(meeting_on))
        async with transaction(self._sessions) as session:
            await session.execute(update(QimMeeting).where(QimMeeting.id == meeting_id).values(pack_posted_at=now))
        return [pack_key(meeting_on)]

    async def _claim(self, meeting_id: int, now: datetime) -> bool:
        async with transaction(self._sessions) as session:
            claimed = await session.execute(
                update(QimMeeting)
                .where(QimMeeting.id == meeting_id, QimMeeting.pack_claimed_at.is_(None))
                .values(pack_claimed_at=now)
            )
            return bool(getattr(claimed, "rowcount", 0))

    async def _hand_over(self, meeting_id: int, channel_id: int, *, key: str) -> MeetingView:
        assert self._outbox is not None, "callers check there is a delivery engine first"
        # Everyone in the channel sees the members' view; the chair's and the QA Head of Service's
        # Teams clients fetch their own view (with the buttons) through the card's refresh.
        async with transaction(self._sessions) as session:
            refresh_user_ids = await _chair_teams_ids(session)
        pack = await self._build_pack(meeting_id, can_record=False, refresh_user_ids=refresh_user_ids)
        await self._outbox.post_card_to_conversation(
            channel_id, qim_cards.pack_card(pack), purpose=PURPOSE, dedupe_key=key[:200]
        )
        return pack.meeting

    async def _update_posted_packs(self, meeting_id: int) -> None:
        """Edit the meeting's packs already posted in the QIM channel (the members' view, with the
        same refresh), so every member sees a new decision or action; the edit also makes the chair's
        and the QA Head of Service's clients fetch their own view again."""
        if self._outbox is None:
            return
        try:
            await self._queue_pack_edits(meeting_id)
        except Exception:
            # The decision or action is already committed: answering with an error would invite the
            # chair to save it again (a duplicate). The channel's copy catches up at the next edit.
            logger.exception("could not queue the edit of the QIM pack posted for meeting %s", meeting_id)

    async def _queue_pack_edits(self, meeting_id: int) -> None:
        assert self._outbox is not None
        async with transaction(self._sessions) as session:
            meeting = await session.get(QimMeeting, meeting_id)
            assert meeting is not None
            posted = await delivery_repo.posted_sends(
                session,
                PURPOSE,
                dedupe_key=pack_key(meeting.meeting_on),
                dedupe_key_prefix=posted_now_key_prefix(meeting_id),
                limit=POSTED_PACKS_UPDATED,
            )
            refresh_user_ids = await _chair_teams_ids(session) if posted else ()
        if not posted:
            return
        card = qim_cards.pack_card(
            await self._build_pack(meeting_id, can_record=False, refresh_user_ids=refresh_user_ids)
        )
        for delivery_id in posted:
            await self._outbox.update_card(delivery_id, card, purpose=UPDATE_PURPOSE)

    async def _build_pack(
        self, meeting_id: int, *, can_record: bool, refresh_user_ids: tuple[str, ...] = ()
    ) -> PackView:
        today = self.today()
        async with transaction(self._sessions) as session:
            meeting = await session.get(QimMeeting, meeting_id)
            assert meeting is not None
            view = await self._meeting_view(session, meeting)
            period = periods.parse_quarter(view.report_period, self._time_zone)
            closed_since = self._clock.now() - timedelta(days=ACTIONS_CLOSED_SHOWN_DAYS)
            actions = await trail.service_actions(session, today=today, closed_since=closed_since)
            priorities = await trail.priority_progress(session, today=today)
            entries = await trail.trail_since(session, period.start_utc, time_zone=self._time_zone)
            decisions = await self._decision_views(session, meeting)
        scope = await self._digests.resolve_scope("service", None)
        digest = await self._digests.build(scope, period)
        themes = await self._learning.client_feedback_themes(None, since=period.first_day)
        return PackView(
            meeting=view,
            digest=digest,
            findings=digest_findings(digest),
            priorities=tuple(priorities),
            actions=tuple(actions),
            themes=tuple(themes),
            decisions=tuple(decisions),
            trail=tuple(entries),
            measures=await self._four_questions(period.last_day.replace(day=1)),
            multi_agency=await self._digests.multi_agency(scope, period),
            can_record=can_record,
            refresh_user_ids=refresh_user_ids,
        )

    async def _four_questions(self, month: date) -> tuple[MeasureStatus, ...]:
        """The service's Meaningful Measures in ``month`` with the four questions, where a measures
        file is loaded (none otherwise: the pack then leaves the section out)."""
        if self._measures is None:
            return ()
        try:
            return (await self._measures.overview(month=month)).measures
        except NoMeasures:
            return ()

    # -- decisions ---------------------------------------------------------------------------

    async def decisions(self, user: TeamsUser, meeting_id: int | None = None) -> tuple[MeetingView, list[DecisionView]]:
        actor = await self._require(user, Permission.VIEW)
        async with transaction(self._sessions) as session:
            meeting = await self._meeting(session, meeting_id)
            await access_log.record(session, actor, access_log.VIEW, RECORD_MEETING, meeting.id, {"decisions": True})
            return await self._meeting_view(session, meeting), await self._decision_views(session, meeting)

    async def may_record(self, user: TeamsUser) -> bool:
        """Whether ``user`` may record decisions and raise actions (to show those buttons)."""
        async with transaction(self._sessions) as session:
            actor = await actors.load_for_teams_user(session, user.teams_user_id)
        return policy.allows(actor, Permission.CHANGE, policy.qim_meeting())

    async def meeting_for_change(self, user: TeamsUser, meeting_id: int | None) -> MeetingView:
        """The meeting, once ``user`` may record its decisions and actions (before showing a form)."""
        await self._require(user, Permission.CHANGE)
        async with transaction(self._sessions) as session:
            return await self._meeting_view(session, await self._meeting(session, meeting_id))

    async def decision(self, user: TeamsUser, decision_id: int) -> DecisionView:
        await self._require(user, Permission.CHANGE)
        async with transaction(self._sessions) as session:
            decision, meeting = await self._find_decision(session, decision_id)
            return await self._one_decision(session, meeting, decision.id)

    async def record_decision(self, user: TeamsUser, meeting_id: int, wording: str) -> DecisionView:
        """The chair records a decision of the meeting. Raises ``InvalidInput`` naming the problem."""
        actor = await self._require(user, Permission.CHANGE)
        cleaned = _decision_text(wording)
        async with transaction(self._sessions) as session:
            meeting = await self._meeting(session, meeting_id)
            now = self._clock.now()
            decision = QimDecision(
                meeting_id=meeting.id,
                text=cleaned,
                original_text=cleaned,
                recorded_by_id=actor.person_id if actor else None,
                recorded_at=now,
                updated_at=now,
            )
            session.add(decision)
            await session.flush()
            await access_log.record(
                session,
                actor,
                access_log.CHANGE,
                RECORD_DECISION,
                decision.id,
                {"meeting": meeting.id},
                summary="QIM decision recorded",
            )
            recorded = await self._one_decision(session, meeting, decision.id)
        await self._update_posted_packs(meeting_id)
        return recorded

    async def change_decision(self, user: TeamsUser, decision_id: int, wording: str) -> tuple[DecisionView, bool]:
        """Change a decision's wording; the original stays and the change is recorded (who, when, what).
        Returns the decision and whether anything changed."""
        actor = await self._require(user, Permission.CHANGE)
        cleaned = _decision_text(wording)
        async with transaction(self._sessions) as session:
            decision, meeting = await self._find_decision(session, decision_id)
            if cleaned == decision.text:
                return await self._one_decision(session, meeting, decision.id), False
            now = self._clock.now()
            after_meeting = working_time.local_date(now, self._time_zone) > meeting.meeting_on
            session.add(
                QimDecisionChange(
                    decision_id=decision.id,
                    changed_by_id=actor.person_id if actor else None,
                    changed_at=now,
                    before=decision.text,
                    after=cleaned,
                    after_meeting=after_meeting,
                )
            )
            decision.text = cleaned
            decision.updated_at = now
            await session.flush()
            await access_log.record(
                session,
                actor,
                access_log.CHANGE,
                RECORD_DECISION,
                decision.id,
                {"meeting": meeting.id, "after_meeting": after_meeting},
                summary="QIM decision changed",
            )
            changed, meeting_id = await self._one_decision(session, meeting, decision.id), meeting.id
        await self._update_posted_packs(meeting_id)
        return changed, True

    # -- service-level actions ---------------------------------------------------------------

    async def raise_action(self, user: TeamsUser, meeting_id: int, request: ServiceActionInput) -> ServiceActionView:
        """The chair raises a service-level action (source QIM) with an owner and a due date, optionally
        linked to a plan priority. ``InvalidInput`` names every field that needs a look; nothing is saved."""
        actor = await self._require(user, Permission.CHANGE)
        async with transaction(self._sessions) as session:
            meeting = await self._meeting(session, meeting_id)
            owner, priority = await self._check_action(session, request)
            assert request.due_date is not None
            action = await add_action(
                session,
                NewAction(
                    source=ActionSource.QIM,
                    source_ref=f"qim:{meeting.id}",
                    description=request.description,
                    owner_id=owner.id,
                    due_date=request.due_date,
                ),
                created_by_id=actor.person_id if actor else None,
                now=self._clock.now(),
                today=self.today(),
            )
            if priority is not None:
                session.add(ImprovementPriorityAction(priority_id=priority.id, action_id=action.id))
            await access_log.record(
                session,
                actor,
                access_log.CHANGE,
                "action",
                action.id,
                {"meeting": meeting.id, "source": "qim"},
                summary="service-level action raised at the QIM",
            )
            [view] = [
                a
                for a in await trail.service_actions(session, today=self.today(), closed_since=self._clock.now())
                if a.id == action.id
            ]
        await self._update_posted_packs(meeting_id)
        return view

    async def _check_action(
        self, session: AsyncSession, request: ServiceActionInput
    ) -> tuple[Person, ImprovementPriority | None]:
        errors = personal_data.screen_fields({"description": request.description}, ["description"])
        if not request.description.strip():
            errors["description"] = text.PROBLEM_DESCRIPTION
        owner = await owner_by_email(
            session, request.owner_email, errors, missing=text.PROBLEM_OWNER, unknown=text.PROBLEM_OWNER_UNKNOWN
        )
        if request.due_date is None:
            errors["due_date"] = text.PROBLEM_DUE
        elif request.due_date < self.today():
            errors["due_date"] = text.PROBLEM_DUE_PAST
        priority = None
        if request.priority_id is not None:
            priority = await session.get(ImprovementPriority, request.priority_id)
            if priority is None or priority.status != ImprovementStatus.ACTIVE:
                errors["priority_id"] = text.PROBLEM_PRIORITY.format(id=request.priority_id)
        if errors or owner is None:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        return owner, priority

    async def priority_choices(self) -> list[tuple[int, str]]:
        """(id, title) of the active priorities a new service-level action may deliver."""
        async with transaction(self._sessions) as session:
            return [(p.id, p.title) for p in await repo.active_priorities(session)]

    # -- helpers -----------------------------------------------------------------------------

    async def _require(self, user: TeamsUser | None, permission: Permission) -> Actor | None:
        """Who is acting once the policy allows it (None: the command line). A refusal is written to
        the access log (committed on its own) before it is raised."""
        if user is None:
            return None
        async with self._sessions() as session:
            actor = await actors.load_for_teams_user(session, user.teams_user_id)
        await access_log.require_logged(
            self._sessions,
            actor,
            permission,
            policy.qim_meeting(),
            record_type=RECORD_MEETING,
            detail={"permission": permission.value},
            summary="QIM meeting refused",
        )
        return actor

    async def _meeting(self, session: AsyncSession, meeting_id: int | None) -> QimMeeting:
        if meeting_id is None:
            return await self._meeting_on(session, self.current_meeting_on(self.today()))
        meeting = await session.get(QimMeeting, meeting_id)
        if meeting is None:
            raise NotFound(text.MEETING_GONE)
        return meeting

    async def _meeting_on(self, session: AsyncSession, meeting_on: date) -> QimMeeting:
        """The meeting on that date, recorded now if it was not yet (with the last meeting's channel)."""
        meeting = await repo.meeting_on(session, meeting_on)
        if meeting is not None:
            return meeting
        try:
            async with session.begin_nested():
                meeting = QimMeeting(meeting_on=meeting_on, conversation_id=await repo.last_channel(session))
                session.add(meeting)
        except IntegrityError:  # another instance recorded it a moment ago: theirs stands
            meeting = await repo.meeting_on(session, meeting_on)
            assert meeting is not None
        return meeting

    async def _meeting_view(self, session: AsyncSession, meeting: QimMeeting) -> MeetingView:
        channel = await session.get(Conversation, meeting.conversation_id) if meeting.conversation_id else None
        reviewed = periods.quarter_of(meeting.meeting_on, self._time_zone).previous()
        return MeetingView(
            id=meeting.id,
            meeting_on=meeting.meeting_on,
            report_period=reviewed.key,
            channel_name=(channel.name or channel.conversation_id) if channel else None,
            pack_posted=meeting.pack_posted_at is not None,
        )

    @staticmethod
    async def _find_decision(session: AsyncSession, decision_id: int) -> tuple[QimDecision, QimMeeting]:
        decision = await session.get(QimDecision, decision_id)
        meeting = await session.get(QimMeeting, decision.meeting_id) if decision is not None else None
        if decision is None or meeting is None:
            raise NotFound(text.DECISION_GONE)
        return decision, meeting

    async def _one_decision(self, session: AsyncSession, meeting: QimMeeting, decision_id: int) -> DecisionView:
        return next(d for d in await self._decision_views(session, meeting) if d.id == decision_id)

    @staticmethod
    async def _decision_views(session: AsyncSession, meeting: QimMeeting) -> list[DecisionView]:
        rows = await repo.decisions(session, meeting.id)
        changes = await repo.decision_changes(session, (d.id for d in rows))
        people = await plan_repo.people(session, [d.recorded_by_id for d in rows] + [c.changed_by_id for c in changes])

        def name(person_id: int | None) -> str:
            person = people.get(person_id) if person_id is not None else None
            return person.display_name if person else text.COMMAND_LINE

        return [
            DecisionView(
                id=d.id,
                meeting_on=meeting.meeting_on,
                text=d.text,
                original_text=d.original_text,
                recorded_by=name(d.recorded_by_id),
                recorded_at=d.recorded_at,
                changes=tuple(
                    DecisionChangeView(name(c.changed_by_id), c.changed_at, c.before, c.after, c.after_meeting)
                    for c in changes
                    if c.decision_id == d.id
                ),
            )
            for d in rows
        ]


async def _chair_teams_ids(session: AsyncSession) -> tuple[str, ...]:
    """Teams ids of the active people in the organisation who hold a chair's role (at most 60, in a
    stable order). Only who sees which view first: each refresh checks the role again."""
    rows = await session.scalars(
        select(Person.teams_user_id)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.role.in_([role.value for role in CHAIR_ROLES]),
            Person.teams_user_id.is_not(None),
            Person.in_organisation.is_(True),
            Person.active.is_(True),
        )
        .distinct()
        .order_by(Person.teams_user_id)
        .limit(MAX_REFRESH_USERS)
    )
    return tuple(teams_id for teams_id in rows if teams_id)


def _decision_text(wording: str) -> str:
    cleaned = wording.strip()
    if not cleaned:
        raise InvalidInput(text.PROBLEM_FIELDS, {"decision": text.PROBLEM_DECISION_EMPTY})
    if len(cleaned) > MAX_DECISION:
        raise InvalidInput(text.PROBLEM_FIELDS, {"decision": text.PROBLEM_TOO_LONG.format(limit=MAX_DECISION)})
    errors = personal_data.screen_fields({"decision": cleaned}, ["decision"])
    if errors:
        raise InvalidInput(text.PROBLEM_FIELDS, errors)
    return cleaned


def _origin(user: TeamsUser | None) -> dict[str, str]:
    return {"via": "teams"} if user is not None else {"via": "command line"}
