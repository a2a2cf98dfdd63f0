"""The actions service: everything a person does to an action, each change checked against who is asking.

Actions are created (``create``, ``import_csv``), closed with evidence (``mark_done``), moved (a new
date proposed by the owner and decided by their manager, or changed at once by whoever decides over
it), reassigned, cancelled, and closed again by what difference they made (the framework's "closing
the loop": ``record_impact``, ``ask_for_more_impact``). Who may do what is ``rights``; a reassign may
only go to someone the card offers (``choices``). Every change is written to the action's story and
the access log in the same transaction (``story``), and the people it concerns are told through the
outbox; a change stands even when Teams is unreachable.

Status: stored as open / done / cancelled; *overdue* is derived (open and due before today in
Europe/London), so it cannot drift from the date. Views carry the derived status.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import actions as action_cards
from cards import text_actions as text
from services import access_log, actors, policy, working_time
from services.actions.choices import assignable_choices, choice_of, everyone, may_assign_to, team_choices
from services.actions.creating import NewAction, add_action
from services.actions.fields import clean_text
from services.actions.importing import ImportReport, import_csv
from services.actions.reading import ActionCardData, proposal_view, to_view
from services.actions.rights import may_create_for_others, may_decide, require, rights_over
from services.actions.seniors import load_seniors
from services.actions.story import record_event
from services.clock import Clock
from services.errors import DomainError, InvalidInput, NotAllowed, NotFound
from services.outbox import Outbox
from storage.db import transaction
from storage.models import Action, ActionDateChange, ActionEventKind, DateChangeDecision, Person, Role
from storage.repositories import actions as action_repo
from storage.repositories import people as people_repo
from views.actions import ActionStatus, ActionView, PersonChoice, ProposalView

logger = logging.getLogger(__name__)


class ActionService:
    """Creates, changes and lists actions; every change checks who is asking."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
        outbox: Outbox | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._time_zone = time_zone
        self._outbox = outbox

    def today(self) -> date:
        """Today's date in the organisation's time zone (what 'overdue' is measured against)."""
        return working_time.local_date(self._clock.now(), self._time_zone)

    # -- creating ---------------------------------------------------------------------------

    async def create(self, new: NewAction, *, actor_id: int | None) -> ActionView:
        """Create one action. A person creating an action for someone else must be a manager or the QA lead."""
        async with transaction(self._sessions) as session:
            if actor_id is not None and actor_id != new.owner_id and not await may_create_for_others(session, actor_id):
                raise NotAllowed(text.ONLY_MANAGERS_GIVE)
            action = await add_action(session, new, created_by_id=actor_id, now=self._clock.now(), today=self.today())
            return await self._view(session, action.id)

    async def import_csv(self, content: str, *, actor_id: int | None = None) -> ImportReport:
        """Import actions from CSV text (``importing.import_csv``): each bad row is reported with its line."""
        return await import_csv(self._sessions, self._clock, content, actor_id=actor_id)

    # -- changing ---------------------------------------------------------------------------

    async def mark_done(self, action_id: int, *, actor_id: int, evidence: str) -> ActionView:
        """Close an action with evidence of what was done. Marking it done twice changes nothing."""
        evidence = clean_text(evidence, "evidence", text.WHAT_WAS_DONE)
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.SUBMIT, allow_done=True)
            if action.status == ActionStatus.DONE:
                return await self._view(session, action.id)
            now = self._clock.now()
            action.status = ActionStatus.DONE.value
            action.completion_evidence = evidence
            action.completed_at = now
            action.completed_by_id = actor_id
            await self._close_pending_proposal(session, action, actor_id, now, text.PROPOSAL_CLOSED_DONE)
            await record_event(session, action, ActionEventKind.DONE, actor_id=actor_id, now=now, note=evidence)
            return await self._view(session, action.id)

    async def propose_due_date(self, action_id: int, *, actor_id: int, new_date: date, reason: str) -> ProposalView:
        """The owner asks for a new due date, with a reason; their manager decides.

        A manager or the QA lead proposing changes the date at once (recorded as 'changed').
        """
        reason = clean_text(reason, "reason", text.REASON_FOR_NEW_DATE)
        async with transaction(self._sessions) as session:
            # Setting the date is a decision (CHANGE): the QA lead or a senior manager standing in as the
            # owner's manager may do it without being allowed the owner's work (SUBMIT).
            deciding = await may_decide(session, actor_id, await self._load(session, action_id))
            permission = policy.Permission.CHANGE if deciding else policy.Permission.SUBMIT
            action = await self._changeable(session, action_id, actor_id, permission)
            if new_date < self.today():
                raise InvalidInput(text.NEW_DATE_IN_PAST, {"new_date": text.CHOOSE_TODAY_OR_LATER})
            if new_date == action.due_date:
                raise InvalidInput(text.SAME_DUE_DATE, {"new_date": text.CHOOSE_DIFFERENT_DATE})
            now = self._clock.now()
            await self._close_pending_proposal(session, action, actor_id, now, text.PROPOSAL_CLOSED_REPLACED)
            change = ActionDateChange(
                action_id=action.id,
                previous_due_date=action.due_date,
                proposed_due_date=new_date,
                reason=reason,
                proposed_by_id=actor_id,
                proposed_at=now,
                decision=(DateChangeDecision.CHANGED if deciding else DateChangeDecision.PENDING).value,
                decided_by_id=actor_id if deciding else None,
                decided_at=now if deciding else None,
            )
            session.add(change)
            if deciding:
                action.due_date = new_date
            await record_event(
                session,
                action,
                ActionEventKind.DATE_PROPOSED,
                actor_id=actor_id,
                now=now,
                note=reason,
                date=new_date.isoformat(),
            )
            await session.flush()
            proposal = proposal_view(change)
            view = await self._view(session, action.id)
            deciders = (
                (view.manager_id,) if view.manager_id is not None else (await load_seniors(session)).above(action.owner)
            )
        if proposal.decision == DateChangeDecision.PENDING:
            # A team manager's own request goes up to whoever their overdue action would escalate to.
            for decider in deciders:
                key = f"proposal:{proposal.id}" if decider == view.manager_id else f"proposal:{proposal.id}:{decider}"
                await self._notify(decider, action_cards.proposal_card(view, proposal), key)
        return proposal

    async def decide_due_date(self, proposal_id: int, *, actor_id: int, approve: bool, note: str = "") -> ActionView:
        """The manager (or QA lead) approves or declines a proposed date. Deciding twice changes nothing."""
        async with transaction(self._sessions) as session:
            change = await action_repo.get_proposal(session, proposal_id)
            if change is None:
                raise NotFound(text.PROPOSAL_GONE)
            action = await self._load(session, change.action_id)
            await require(session, actor_id, policy.Permission.CHANGE, action)
            if change.decision != DateChangeDecision.PENDING:
                return await self._view(session, action.id)
            now = self._clock.now()
            change.decision = (DateChangeDecision.APPROVED if approve else DateChangeDecision.DECLINED).value
            change.decided_by_id = actor_id
            change.decided_at = now
            change.decision_note = note.strip() or None
            if approve:
                action.due_date = change.proposed_due_date
            await record_event(
                session,
                action,
                ActionEventKind.DATE_DECIDED,
                actor_id=actor_id,
                now=now,
                note=note.strip(),
                decision=change.decision,
            )
            return await self._view(session, action.id)

    async def record_progress(self, action_id: int, *, actor_id: int, note: str) -> ActionView:
        note = clean_text(note, "progress", text.PROGRESS_NOTE)
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.SUBMIT)
            await record_event(
                session, action, ActionEventKind.PROGRESS, actor_id=actor_id, now=self._clock.now(), note=note
            )
            action.updated_at = self._clock.now()
            return await self._view(session, action.id)

    async def reassign(self, action_id: int, *, actor_id: int, new_owner_id: int, reason: str = "") -> ActionView:
        """The manager (or QA lead) gives the action to someone else; reminders follow the new owner."""
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.CHANGE)
            new_owner = await session.get(Person, new_owner_id)
            if new_owner is None or not new_owner.active:
                raise InvalidInput(text.NEW_OWNER_UNKNOWN, {"owner": text.CHOOSE_COLLEAGUE})
            if new_owner.id == action.owner_id:
                return await self._view(session, action.id)
            if not await may_assign_to(session, await actors.load_for_person(session, actor_id), new_owner.id):
                raise NotAllowed(text.NOT_ASSIGNABLE)
            now = self._clock.now()
            await record_event(
                session,
                action,
                ActionEventKind.REASSIGNED,
                actor_id=actor_id,
                now=now,
                note=reason.strip(),
                previous_owner_id=action.owner_id,
                new_owner_id=new_owner.id,
            )
            action.owner_id = new_owner.id
            await self._close_pending_proposal(session, action, actor_id, now, text.PROPOSAL_CLOSED_REASSIGNED)
            await session.flush()
            session.expire(action, ["owner"])
            view = await self._view(session, action.id)
            acting = await session.get(Person, actor_id)
            actor_name = acting.display_name if acting else ""
            key = f"reassigned:{action.id}:{new_owner.id}:{now.isoformat()}"
        card = action_cards.reassigned_card(view, manager_name=actor_name, today=self.today())
        await self._notify(new_owner.id, card, key)
        return view

    async def cancel(self, action_id: int, *, actor_id: int, reason: str) -> ActionView:
        reason = clean_text(reason, "reason", text.REASON_FOR_CANCELLING)
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.CHANGE)
            now = self._clock.now()
            action.status = ActionStatus.CANCELLED.value
            action.cancelled_at = now
            action.cancelled_reason = reason
            await self._close_pending_proposal(session, action, actor_id, now, text.PROPOSAL_CLOSED_CANCELLED)
            await record_event(session, action, ActionEventKind.CANCELLED, actor_id=actor_id, now=now, note=reason)
            return await self._view(session, action.id)

    async def record_impact(self, action_id: int, *, actor_id: int, answer: str) -> ActionView:
        """The owner says what difference the action made and how they know (closing the loop)."""
        answer = clean_text(answer, "impact", text.WHAT_DIFFERENCE)
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await require(session, actor_id, policy.Permission.SUBMIT, action)
            if action.status != ActionStatus.DONE:
                raise InvalidInput(text.IMPACT_BEFORE_DONE)
            now = self._clock.now()
            previous = action.impact_answer
            action.impact_answer = answer if not previous or not action.impact_more_asked else f"{previous}\n\n{answer}"
            action.impact_reviewed_at = now
            action.impact_more_asked = False
            await record_event(session, action, ActionEventKind.IMPACT, actor_id=actor_id, now=now, note=answer)
            view = await self._view(session, action.id)
        if view.manager_id is not None and view.manager_id != actor_id:
            await self._notify(
                view.manager_id, action_cards.impact_review_card(view), f"impact:{view.id}:{now.isoformat()}"
            )
        return view

    async def ask_for_more_impact(self, action_id: int, *, actor_id: int, note: str) -> ActionView:
        """The manager is not yet convinced: the owner is asked again (the impact card comes back)."""
        note = clean_text(note, "note", text.WHAT_MORE)
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await require(session, actor_id, policy.Permission.CHANGE, action)
            if not action.impact_answer:
                raise InvalidInput(text.NO_IMPACT_TO_ASK_ABOUT)
            now = self._clock.now()
            action.impact_more_asked = True
            action.impact_more_asked_at = now
            action.impact_more_asked_note = note
            await record_event(session, action, ActionEventKind.MORE_ASKED, actor_id=actor_id, now=now, note=note)
            return await self._view(session, action.id)

    # -- reading ----------------------------------------------------------------------------

    async def get(self, action_id: int, *, actor_id: int) -> ActionView:
        """One action, for someone allowed to see it; the look is written to the access log."""
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await require(session, actor_id, policy.Permission.VIEW, action)
            await access_log.record(session, actor_id, access_log.VIEW, "action", action.id)
            return await self._view(session, action.id)

    async def my_actions(self, actor_id: int, *, include_closed: bool = False) -> list[ActionView]:
        """The actor's own actions, overdue first, then by due date."""
        async with transaction(self._sessions) as session:
            rows = await action_repo.for_owner(session, actor_id, today=self.today(), include_closed=include_closed)
            return await self._views(session, rows)

    async def team_actions(self, actor_id: int) -> list[ActionView]:
        """Open actions of everyone the actor manages, overdue first, with owners."""
        async with transaction(self._sessions) as session:
            people = await action_repo.people_managed_by(session, actor_id)
            if not people:
                raise NotAllowed(text.TEAM_ACTIONS_NOT_MANAGER)
            rows = await action_repo.for_owners(session, people, today=self.today())
            return await self._views(session, rows)

    async def is_manager(self, actor_id: int) -> bool:
        """Whether the actor may give actions to other people (a team's manager or the QA lead)."""
        async with transaction(self._sessions) as session:
            return await may_create_for_others(session, actor_id)

    async def actor_id_for(self, teams_user_id: str) -> int:
        """The qop person id of whoever acts as this Teams user (the dispatcher has already recorded them)."""
        async with transaction(self._sessions) as session:
            person = await people_repo.get_by_teams_user_id(session, teams_user_id)
            if person is None:
                raise NotFound(text.UNKNOWN_PERSON)
            return person.id

    async def open_for(self, action_id: int, *, actor_id: int) -> ActionCardData:
        """An action as the actor may act on it: the owner's buttons, plus the manager's when deciding."""
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await require(session, actor_id, policy.Permission.VIEW, action)
            await access_log.record(session, actor_id, access_log.VIEW, "action", action.id)
            actor, rights = await rights_over(session, actor_id, action)
            colleagues = await assignable_choices(session, actor) if rights.decide else []
            view = await self._view(session, action.id)
            return ActionCardData(view, rights.decide, colleagues, self.today(), working=rights.work)

    async def owner_choices(self, actor_id: int) -> list[PersonChoice]:
        """Whom the actor may give a new action to: their team and themselves (the QA lead: everyone)."""
        async with transaction(self._sessions) as session:
            if not await may_create_for_others(session, actor_id):
                raise NotAllowed(text.ONLY_MANAGERS_CREATE)
            if (await actors.load_for_person(session, actor_id)).has(Role.QA_LEAD):
                return await everyone(session)
            choices = await team_choices(session, actor_id)
            me = await session.get(Person, actor_id)
            return [*choices, choice_of(me)] if me else choices

    async def _notify(self, person_id: int, card: action_cards.Json, key: str) -> None:
        """Tell someone else about a change; the change stands even if Teams is unreachable."""
        if self._outbox is None:
            return
        try:
            await self._outbox.send_card_to_person(person_id, card, purpose="action-update", dedupe_key=key[:200])
        except DomainError as problem:
            logger.warning("could not notify person %s about %s: %s", person_id, key, problem.user_message)
        except Exception:  # the change is committed; a recorded delivery is swept up at the next start
            logger.exception("could not hand the notification %s for person %s to the delivery engine", key, person_id)

    # -- helpers ----------------------------------------------------------------------------

    async def _load(self, session: AsyncSession, action_id: int) -> Action:
        action = await action_repo.get(session, action_id, for_update=True)
        if action is None:
            raise NotFound(text.ACTION_GONE)
        return action

    async def _changeable(
        self,
        session: AsyncSession,
        action_id: int,
        actor_id: int,
        permission: policy.Permission,
        *,
        allow_done: bool = False,
    ) -> Action:
        action = await self._load(session, action_id)
        await require(session, actor_id, permission, action)
        if action.status == ActionStatus.CANCELLED or (action.status == ActionStatus.DONE and not allow_done):
            raise InvalidInput(text.already_closed(action.status))
        return action

    async def _close_pending_proposal(
        self, session: AsyncSession, action: Action, actor_id: int, now: datetime, note: str
    ) -> None:
        pending = await action_repo.pending_proposal(session, action.id)
        if pending is not None:
            pending.decision = DateChangeDecision.DECLINED.value
            pending.decided_by_id = actor_id
            pending.decided_at = now
            pending.decision_note = note

    async def _view(self, session: AsyncSession, action_id: int) -> ActionView:
        await session.flush()
        action = await action_repo.get(session, action_id)
        assert action is not None
        [view] = await self._views(session, [action])
        return view

    async def _views(self, session: AsyncSession, actions: list[Action]) -> list[ActionView]:
        proposals = await action_repo.pending_proposals(session, [a.id for a in actions])
        today = self.today()
        return [to_view(action, today, proposals.get(action.id)) for action in actions]
