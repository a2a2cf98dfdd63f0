"""Actions: every finding becomes something to do, with an owner and a due date, closed by
evidence and, later, by what difference it made (the framework's "closing the loop").

How other features create actions (audits, surveys, QIM, practice days)::

    from services.actions import NewAction, add_action
    from storage.models import ActionSource

    # inside your own transaction, so the audit and its actions are stored together:
    action = await add_action(
        session,
        NewAction(
            source=ActionSource.AUDIT,
            source_ref=f"audit:{audit.id}",
            description="Update the child's plan with the family's own safety goal",
            owner_id=practitioner.id,
            due_date=date(2026, 3, 20),
            case_reference="LCS123456",
        ),
        created_by_id=auditor.id,
        now=clock.now(),
    )

or, outside a transaction, ``await services.actions.create(NewAction(...), actor_id=...)``.

Everything a person does to an action goes through ``ActionService`` (mark done with evidence,
propose a new date and the manager's decision, progress notes, reassign, cancel, impact). Only
the owner and their manager do the work on an action (``services.policy`` SUBMIT); decisions over it
(dates, reassigning, cancelling, asking for more impact) belong to the manager, whoever raised it
for someone else, and the QA lead (CHANGE). A reassign may only go to someone the actor's card offers
(``assignable_choices``), checked again on the server (``may_assign_to``). Every change is written to the action's story and the
access log in the same transaction.

Status: stored as open / done / cancelled; *overdue* is derived (open and due before today in
Europe/London), so it cannot drift from the date. Views carry the derived status.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import actions as action_cards
from services import access_log, actors, policy, working_time
from services.actors import Actor
from services.clock import Clock
from services.errors import DomainError, InvalidInput, NotAllowed, NotFound
from services.outbox import Outbox
from storage.db import transaction
from storage.models import (
    Action,
    ActionDateChange,
    ActionEvent,
    ActionEventKind,
    ActionSource,
    DateChangeDecision,
    Person,
    Role,
    RoleAssignment,
)
from storage.repositories import actions as action_repo
from storage.repositories import people as people_repo
from views.actions import ActionStatus, ActionView, PersonChoice, ProposalView

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 2000
MAX_TEXT = 4000
NOT_ASSIGNABLE = (
    "You can only give an action to someone active in a team you manage or oversee (the QA lead: anyone in the "
    "organisation), so nothing has changed. Open the action again to choose from the people you can pick."
)
MAX_CHOICES = 200
"""A choice list on a card stays usable (and small enough for Teams) with at most this many people."""


@dataclass(frozen=True)
class NewAction:
    """What is needed to create an action, from any source."""

    source: ActionSource | str
    description: str
    owner_id: int
    due_date: date
    source_ref: str | None = None
    case_reference: str | None = None


@dataclass(frozen=True)
class ActionCardData:
    """What the bot needs to show one action to one viewer."""

    view: ActionView
    deciding: bool
    """The viewer may decide over it (the owner's manager, whoever raised it, the QA lead): dates, reassign, cancel."""
    colleagues: list[PersonChoice]
    today: date
    working: bool = True
    """The viewer may also do the work (mark done, progress): the owner and their team manager."""


@dataclass
class ImportReport:
    """The outcome of a CSV import: what was added, what was already there, and each bad row."""

    created: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    """Line numbers of rows that match an existing action (a file imported twice adds nothing)."""
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) for every row that was not imported."""


def manager_id_of(person: Person) -> int | None:
    """The person's line manager: the active manager of their team (None for a team's own manager).

    A manager who has left (the organisation import deactivates, never deletes) is no manager: their
    reminders, escalations and date requests go to the people above the owner instead (``Seniors``).
    ``person.team.manager`` must be loaded (``storage.repositories.actions.with_owner`` does)."""
    team = person.team
    if team is None or team.manager_id is None or team.manager_id == person.id:
        return None
    if team.manager is None or not team.manager.active:
        return None
    return team.manager_id


@dataclass(frozen=True)
class Seniors:
    """Who stands above someone without a line manager in their team (a team manager, or anyone in a
    team with no manager): the senior managers of the team's service area, else the QA leads.

    Loaded once (``load_seniors``) so a reminder run asks the database one question, not one per action.
    """

    by_area: dict[int, tuple[int, ...]]
    qa_leads: tuple[int, ...]

    def above(self, person: Person) -> tuple[int, ...]:
        """Every senior manager of the person's area (by id), else every QA lead; never the person.

        All of them, not one picked: qop does not know which senior manager line-manages which team
        manager, so any single pick could miss the right one (the audits' escalation alert likewise
        goes to every QA lead). Each gets their own card, claimed once per recipient."""
        area = person.team.service_area_id if person.team is not None else None
        for group in (self.by_area.get(area, ()) if area is not None else (), self.qa_leads):
            chosen = tuple(person_id for person_id in group if person_id != person.id)
            if chosen:
                return chosen
        return ()


async def load_seniors(session: AsyncSession) -> Seniors:
    rows = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.role, RoleAssignment.service_area_id)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(
            RoleAssignment.role.in_([Role.SENIOR_MANAGER.value, Role.QA_LEAD.value]),
            Person.active.is_(True),
            Person.in_organisation.is_(True),
        )
        .order_by(RoleAssignment.person_id)
    )
    by_area: dict[int, list[int]] = {}
    qa_leads: list[int] = []
    for person_id, role, area_id in rows:
        if role == Role.QA_LEAD.value:
            qa_leads.append(person_id)
        elif area_id is not None:
            by_area.setdefault(area_id, []).append(person_id)
    return Seniors({area: tuple(dict.fromkeys(ids)) for area, ids in by_area.items()}, tuple(dict.fromkeys(qa_leads)))


def _record(action: Action) -> policy.RecordContext:
    """The action as the permission rules see it; ``action.owner`` (with its team) must be loaded."""
    raised_by = [action.created_by_id] if action.created_by_id and action.created_by_id != action.owner_id else []
    return policy.action(
        owner_id=action.owner_id,
        raised_by_ids=raised_by,
        team_id=action.owner.team_id,
        no_line_manager=manager_id_of(action.owner) is None,
    )


@dataclass(frozen=True)
class Rights:
    """What one person may do with one action, so a card offers only buttons that will work."""

    view: bool
    work: bool
    """Mark done, record progress, ask for a new date (policy SUBMIT)."""
    decide: bool
    """Change the date, decide a proposal, reassign, cancel (policy CHANGE; never over one's own action)."""


async def rights_over(session: AsyncSession, person_id: int, action: Action) -> tuple[Actor, Rights]:
    actor = await actors.load_for_person(session, person_id)
    record = _record(action)
    rights = Rights(
        view=policy.allows(actor, policy.Permission.VIEW, record),
        work=policy.allows(actor, policy.Permission.SUBMIT, record),
        decide=actor.person_id != action.owner_id and policy.allows(actor, policy.Permission.CHANGE, record),
    )
    return actor, rights


async def _require(session: AsyncSession, actor_id: int, permission: policy.Permission, action: Action) -> Actor:
    """Owner-level work (done, new date, progress, impact) is SUBMIT; decisions over it are CHANGE."""
    actor = await actors.load_for_person(session, actor_id)
    policy.require(actor, permission, _record(action))
    return actor


async def _may_decide(session: AsyncSession, actor_id: int, action: Action) -> bool:
    return (await rights_over(session, actor_id, action))[1].decide


async def may_create_for_others(session: AsyncSession, actor_id: int) -> bool:
    """Managers (of a team) and the QA lead may create actions for other people."""
    actor = await actors.load_for_person(session, actor_id)
    return actor.has(Role.QA_LEAD) or bool(actor.managed_team_ids)


def _clean_text(value: str | None, field_name: str, label: str, *, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"Please add {label}.", {field_name: f"Please add {label}."})
    if len(text) > limit:
        raise InvalidInput(f"{label.capitalize()} is too long.", {field_name: f"At most {limit} characters."})
    return text


def _source(value: ActionSource | str) -> ActionSource:
    try:
        return ActionSource(str(value).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(s.value for s in ActionSource)
        raise InvalidInput(f"Unknown source '{value}'.", {"source": f"One of: {choices}."}) from None


SUBMITTED_EVENTS = {ActionEventKind.CREATED, ActionEventKind.DONE, ActionEventKind.PROGRESS, ActionEventKind.IMPACT}


async def _story(
    session: AsyncSession,
    action: Action,
    kind: ActionEventKind,
    *,
    actor_id: int | None,
    now: datetime,
    note: str = "",
    **detail: Any,
) -> None:
    """Add to the action's story and to the append-only access log, in the same transaction."""
    session.add(ActionEvent(action_id=action.id, at=now, actor_id=actor_id, kind=kind.value, note=note, detail=detail))
    verb = access_log.SUBMIT if kind in SUBMITTED_EVENTS else access_log.CHANGE
    await access_log.record(session, actor_id, verb, "action", action.id, {"event": kind.value, **detail})


async def add_action(
    session: AsyncSession, new: NewAction, *, created_by_id: int | None, now: datetime, today: date | None = None
) -> Action:
    """Create an action inside the caller's transaction (audits use this to store both at once).

    Raises:
        InvalidInput: no description, an unknown source or owner, or a due date in the past.
    """
    description = _clean_text(new.description, "description", "what must happen", limit=MAX_DESCRIPTION)
    source = _source(new.source)
    owner = await session.get(Person, new.owner_id)
    if owner is None or not owner.active:
        raise InvalidInput("The owner is not someone qop knows.", {"owner": "Choose a colleague."})
    if today is not None and new.due_date < today:
        raise InvalidInput("The due date is in the past.", {"due_date": "Choose today or a later date."})
    action = Action(
        source=source.value,
        source_ref=(new.source_ref or "").strip() or None,
        description=description,
        case_reference=(new.case_reference or "").strip().upper() or None,
        owner_id=owner.id,
        created_by_id=created_by_id,
        due_date=new.due_date,
        status=ActionStatus.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    await session.flush()
    await _story(session, action, ActionEventKind.CREATED, actor_id=created_by_id, now=now, source=source.value)
    return action


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
                raise NotAllowed("Only managers and the QA lead can give actions to other people.")
            action = await add_action(session, new, created_by_id=actor_id, now=self._clock.now(), today=self.today())
            return await self._view(session, action.id)

    async def import_csv(self, content: str, *, actor_id: int | None = None) -> ImportReport:
        """Import actions from CSV text; each row stands alone and every bad row is reported with its line.

        Columns (header row required): ``description``, ``owner_email``, ``due_date`` (YYYY-MM-DD or
        DD/MM/YYYY), and optional ``source`` (default manual), ``source_ref``, ``case_reference``.
        """
        report = ImportReport()
        reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
        missing = {"description", "owner_email", "due_date"} - {
            (name or "").strip() for name in reader.fieldnames or []
        }
        if missing:
            report.errors.append((1, "missing column(s): " + ", ".join(sorted(missing))))
            return report
        for row in reader:
            line = reader.line_num
            values = {
                (key or "").strip(): (value or "").strip() for key, value in row.items() if isinstance(value, str)
            }
            if not any(values.values()):
                continue
            try:
                await self._import_row(values, line, report, actor_id=actor_id)
            except InvalidInput as problem:
                details = "; ".join(f"{k}: {v}" for k, v in problem.field_errors.items())
                report.errors.append((line, problem.user_message + (f" ({details})" if details else "")))
        return report

    async def _import_row(
        self, values: dict[str, str], line: int, report: ImportReport, *, actor_id: int | None
    ) -> None:
        due = parse_date(values.get("due_date", ""))
        async with transaction(self._sessions) as session:
            email = values.get("owner_email", "").lower()
            owner = await session.scalar(select(Person).where(Person.email == email)) if email else None
            if owner is None:
                raise InvalidInput(f"No colleague with the e-mail '{email}'.")
            new = NewAction(
                source=values.get("source") or ActionSource.MANUAL,
                description=values.get("description", ""),
                owner_id=owner.id,
                due_date=due,
                source_ref=values.get("source_ref") or None,
                case_reference=values.get("case_reference") or None,
            )
            duplicate = await action_repo.find_duplicate(
                session,
                owner_id=owner.id,
                description=new.description.strip(),
                due_date=due,
                source=_source(new.source).value,
                source_ref=new.source_ref,
            )
            if duplicate is not None:
                report.duplicates.append(line)
                return
            action = await add_action(session, new, created_by_id=actor_id, now=self._clock.now())
            report.created.append(action.id)

    # -- changing ---------------------------------------------------------------------------

    async def mark_done(self, action_id: int, *, actor_id: int, evidence: str) -> ActionView:
        """Close an action with evidence of what was done. Marking it done twice changes nothing."""
        evidence = _clean_text(evidence, "evidence", "what was done (the evidence)")
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.SUBMIT, allow_done=True)
            if action.status == ActionStatus.DONE:
                return await self._view(session, action.id)
            now = self._clock.now()
            action.status = ActionStatus.DONE.value
            action.completion_evidence = evidence
            action.completed_at = now
            action.completed_by_id = actor_id
            await self._close_pending_proposal(session, action, actor_id, now, "The action was done.")
            await _story(session, action, ActionEventKind.DONE, actor_id=actor_id, now=now, note=evidence)
            return await self._view(session, action.id)

    async def propose_due_date(self, action_id: int, *, actor_id: int, new_date: date, reason: str) -> ProposalView:
        """The owner asks for a new due date, with a reason; their manager decides.

        A manager or the QA lead proposing changes the date at once (recorded as 'changed').
        """
        reason = _clean_text(reason, "reason", "a reason for the new date")
        async with transaction(self._sessions) as session:
            # Setting the date is a decision (CHANGE): the QA lead or a senior manager standing in as the
            # owner's manager may do it without being allowed the owner's work (SUBMIT).
            deciding = await _may_decide(session, actor_id, await self._load(session, action_id))
            permission = policy.Permission.CHANGE if deciding else policy.Permission.SUBMIT
            action = await self._changeable(session, action_id, actor_id, permission)
            if new_date < self.today():
                raise InvalidInput("The new date is in the past.", {"new_date": "Choose today or a later date."})
            if new_date == action.due_date:
                raise InvalidInput("That is already the due date.", {"new_date": "Choose a different date."})
            now = self._clock.now()
            await self._close_pending_proposal(session, action, actor_id, now, "Replaced by a newer proposal.")
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
            await _story(
                session,
                action,
                ActionEventKind.DATE_PROPOSED,
                actor_id=actor_id,
                now=now,
                note=reason,
                date=new_date.isoformat(),
            )
            await session.flush()
            proposal = _proposal_view(change)
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
                raise NotFound("That date proposal no longer exists.")
            action = await self._load(session, change.action_id)
            await _require(session, actor_id, policy.Permission.CHANGE, action)
            if change.decision != DateChangeDecision.PENDING:
                return await self._view(session, action.id)
            now = self._clock.now()
            change.decision = (DateChangeDecision.APPROVED if approve else DateChangeDecision.DECLINED).value
            change.decided_by_id = actor_id
            change.decided_at = now
            change.decision_note = note.strip() or None
            if approve:
                action.due_date = change.proposed_due_date
            await _story(
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
        note = _clean_text(note, "progress", "a progress note")
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.SUBMIT)
            await _story(session, action, ActionEventKind.PROGRESS, actor_id=actor_id, now=self._clock.now(), note=note)
            action.updated_at = self._clock.now()
            return await self._view(session, action.id)

    async def reassign(self, action_id: int, *, actor_id: int, new_owner_id: int, reason: str = "") -> ActionView:
        """The manager (or QA lead) gives the action to someone else; reminders follow the new owner."""
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.CHANGE)
            new_owner = await session.get(Person, new_owner_id)
            if new_owner is None or not new_owner.active:
                raise InvalidInput("The new owner is not someone qop knows.", {"owner": "Choose a colleague."})
            if new_owner.id == action.owner_id:
                return await self._view(session, action.id)
            if not await may_assign_to(session, await actors.load_for_person(session, actor_id), new_owner.id):
                raise NotAllowed(NOT_ASSIGNABLE)
            now = self._clock.now()
            await _story(
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
            await self._close_pending_proposal(session, action, actor_id, now, "The action was reassigned.")
            await session.flush()
            session.expire(action, ["owner"])
            view = await self._view(session, action.id)
            manager = await session.get(Person, actor_id)
            manager_name = manager.display_name if manager else ""
            key = f"reassigned:{action.id}:{new_owner.id}:{now.isoformat()}"
        card = action_cards.reassigned_card(view, manager_name=manager_name, today=self.today())
        await self._notify(new_owner.id, card, key)
        return view

    async def cancel(self, action_id: int, *, actor_id: int, reason: str) -> ActionView:
        reason = _clean_text(reason, "reason", "a reason for cancelling")
        async with transaction(self._sessions) as session:
            action = await self._changeable(session, action_id, actor_id, policy.Permission.CHANGE)
            now = self._clock.now()
            action.status = ActionStatus.CANCELLED.value
            action.cancelled_at = now
            action.cancelled_reason = reason
            await self._close_pending_proposal(session, action, actor_id, now, "The action was cancelled.")
            await _story(session, action, ActionEventKind.CANCELLED, actor_id=actor_id, now=now, note=reason)
            return await self._view(session, action.id)

    async def record_impact(self, action_id: int, *, actor_id: int, answer: str) -> ActionView:
        """The owner says what difference the action made and how they know (closing the loop)."""
        answer = _clean_text(answer, "impact", "what difference it made and how you know")
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await _require(session, actor_id, policy.Permission.SUBMIT, action)
            if action.status != ActionStatus.DONE:
                raise InvalidInput("Impact can be recorded once the action is done.")
            now = self._clock.now()
            previous = action.impact_answer
            action.impact_answer = answer if not previous or not action.impact_more_asked else f"{previous}\n\n{answer}"
            action.impact_reviewed_at = now
            action.impact_more_asked = False
            await _story(session, action, ActionEventKind.IMPACT, actor_id=actor_id, now=now, note=answer)
            view = await self._view(session, action.id)
        if view.manager_id is not None and view.manager_id != actor_id:
            await self._notify(
                view.manager_id, action_cards.impact_review_card(view), f"impact:{view.id}:{now.isoformat()}"
            )
        return view

    async def ask_for_more_impact(self, action_id: int, *, actor_id: int, note: str) -> ActionView:
        """The manager is not yet convinced: the owner is asked again (the impact card comes back)."""
        note = _clean_text(note, "note", "what more you would like to know")
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await _require(session, actor_id, policy.Permission.CHANGE, action)
            if not action.impact_answer:
                raise InvalidInput("There is no impact answer yet to ask more about.")
            now = self._clock.now()
            action.impact_more_asked = True
            action.impact_more_asked_at = now
            action.impact_more_asked_note = note
            await _story(session, action, ActionEventKind.MORE_ASKED, actor_id=actor_id, now=now, note=note)
            return await self._view(session, action.id)

    # -- reading ----------------------------------------------------------------------------

    async def get(self, action_id: int, *, viewer_id: int) -> ActionView:
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await _require(session, viewer_id, policy.Permission.VIEW, action)
            await access_log.record(session, viewer_id, access_log.VIEW, "action", action.id)
            return await self._view(session, action.id)

    async def my_actions(self, person_id: int, *, include_closed: bool = False) -> list[ActionView]:
        """The person's actions, overdue first, then by due date."""
        async with transaction(self._sessions) as session:
            rows = await action_repo.for_owner(session, person_id, today=self.today(), include_closed=include_closed)
            return await self._views(session, rows)

    async def team_actions(self, manager_id: int) -> list[ActionView]:
        """Open actions of everyone the manager manages, overdue first, with owners."""
        async with transaction(self._sessions) as session:
            people = await action_repo.people_managed_by(session, manager_id)
            if not people:
                raise NotAllowed("Team actions are for managers: you do not manage a team in qop.")
            rows = await action_repo.for_owners(session, people, today=self.today())
            return await self._views(session, rows)

    async def is_manager(self, person_id: int) -> bool:
        async with transaction(self._sessions) as session:
            return await may_create_for_others(session, person_id)

    async def person_id_for(self, teams_user_id: str) -> int:
        """The qop person behind a Teams user (the dispatcher has already recorded them)."""
        async with transaction(self._sessions) as session:
            person = await people_repo.get_by_teams_user_id(session, teams_user_id)
            if person is None:
                raise NotFound("I don't know you yet: say 'help' to me in a personal chat first.")
            return person.id

    async def open_for(self, action_id: int, *, viewer_id: int) -> ActionCardData:
        """An action as the viewer may act on it: the owner's buttons, plus the manager's when deciding."""
        async with transaction(self._sessions) as session:
            action = await self._load(session, action_id)
            await _require(session, viewer_id, policy.Permission.VIEW, action)
            await access_log.record(session, viewer_id, access_log.VIEW, "action", action.id)
            actor, rights = await rights_over(session, viewer_id, action)
            colleagues = await assignable_choices(session, actor) if rights.decide else []
            view = await self._view(session, action.id)
            return ActionCardData(view, rights.decide, colleagues, self.today(), working=rights.work)

    async def owner_choices(self, actor_id: int) -> list[PersonChoice]:
        """Whom the actor may give a new action to: their team and themselves (the QA lead: everyone)."""
        async with transaction(self._sessions) as session:
            if not await may_create_for_others(session, actor_id):
                raise NotAllowed("Only managers and the QA lead can create actions for other people.")
            if (await actors.load_for_person(session, actor_id)).has(Role.QA_LEAD):
                return await _everyone(session)
            choices = await team_choices(session, actor_id)
            me = await session.get(Person, actor_id)
            return [*choices, _choice(me)] if me else choices

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
            raise NotFound("That action no longer exists.")
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
        await _require(session, actor_id, permission, action)
        if action.status == ActionStatus.CANCELLED or (action.status == ActionStatus.DONE and not allow_done):
            raise InvalidInput(f"This action is already {action.status}.")
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


def _choice(person: Person) -> PersonChoice:
    return PersonChoice(person.id, person.display_name or person.email or f"Person {person.id}")


def _in_organisation() -> Select[tuple[Person]]:
    return select(Person).where(Person.active.is_(True), Person.in_organisation.is_(True))


async def _everyone(session: AsyncSession) -> list[PersonChoice]:
    people = await session.scalars(_in_organisation().order_by(Person.display_name, Person.id).limit(MAX_CHOICES))
    return sorted((_choice(p) for p in people), key=lambda c: c.name)


def _assignable(actor: Actor) -> Select[tuple[Person]] | None:
    """The one rule for whom ``actor`` may hand an action on to, used both for the card's choices
    (``assignable_choices``) and for the server's check of a submitted choice (``may_assign_to``), so a
    crafted invoke cannot reach further than the card: the QA lead anyone active in the organisation; a
    manager the active people in their team(s); a senior manager those in their service area's teams
    (themselves excluded: the cards drop the owner too). None: nobody."""
    if actor.has(Role.QA_LEAD):
        return _in_organisation()
    team_ids = actor.managed_team_ids | actor.area_team_ids
    if not actor.is_member or not team_ids:
        return None
    return select(Person).where(Person.team_id.in_(team_ids), Person.active.is_(True), Person.id != actor.person_id)


async def assignable_choices(session: AsyncSession, actor: Actor) -> list[PersonChoice]:
    """Whom ``actor`` may hand an action on to (``_assignable``), by name, at most ``MAX_CHOICES``."""
    query = _assignable(actor)
    if query is None:
        return []
    people = await session.scalars(query.order_by(Person.display_name, Person.id).limit(MAX_CHOICES))
    return sorted((_choice(p) for p in people), key=lambda choice: choice.name)


async def may_assign_to(session: AsyncSession, actor: Actor, person_id: int) -> bool:
    """Whether ``person_id`` is someone ``actor`` may hand an action on to (``_assignable``). Not limited to
    the first ``MAX_CHOICES`` the card lists: that cut keeps the card small, it is not a permission."""
    query = _assignable(actor)
    return query is not None and await session.scalar(query.where(Person.id == person_id).limit(1)) is not None


async def team_choices(session: AsyncSession, manager_id: int) -> list[PersonChoice]:
    """The people a manager can give an action to: their team(s), by name."""
    ids = await action_repo.people_managed_by(session, manager_id)
    if not ids:
        return []
    people = await session.scalars(select(Person).where(Person.id.in_(ids), Person.active.is_(True)))
    return sorted((_choice(p) for p in people), key=lambda choice: choice.name)


def _proposal_view(change: ActionDateChange) -> ProposalView:
    return ProposalView(
        id=change.id,
        action_id=change.action_id,
        previous_due_date=change.previous_due_date,
        proposed_due_date=change.proposed_due_date,
        reason=change.reason,
        proposed_by_id=change.proposed_by_id,
        decision=change.decision,
    )


def to_view(action: Action, today: date, proposal: ActionDateChange | None = None) -> ActionView:
    """Plain data for cards; ``action.owner`` (with its team) must be loaded."""
    return ActionView(
        id=action.id,
        source=action.source,
        source_ref=action.source_ref,
        description=action.description,
        case_reference=action.case_reference,
        owner_id=action.owner_id,
        owner_name=action.owner.display_name or action.owner.email or f"Person {action.owner_id}",
        manager_id=manager_id_of(action.owner),
        due_date=action.due_date,
        status=action.status_on(today),
        completion_evidence=action.completion_evidence,
        completed_at=action.completed_at,
        impact_answer=action.impact_answer,
        impact_more_asked=action.impact_more_asked,
        impact_more_asked_note=action.impact_more_asked_note,
        pending_proposal=_proposal_view(proposal) if proposal else None,
    )


def parse_date(value: str) -> date:
    """A date typed by a person or a spreadsheet: 2026-03-20 or 20/03/2026.

    Raises:
        InvalidInput: anything else.
    """
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvalidInput(f"'{text}' is not a date.", {"due_date": "Use a date like 2026-03-20 or 20/03/2026."})
