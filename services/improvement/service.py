"""The continuous improvement plan: priorities with an owner, milestones, linked QIM actions, evidence.

The QIM reviews it; the QA Head of Service and Heads of Service add to it and change it from
Teams (``services.policy``: ``RecordKind.IMPROVEMENT_PLAN``). Every save that changes something
writes one ``ImprovementPlanChange`` (who, when, each field before and after) and an access-log
entry in the same transaction; reading the plan is logged too. Free text is screened for
personal data (``services.personal_data``): the plan holds themes, never a child's details.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_improvement as text
from services import access_log, actors, personal_data, policy, working_time
from services.actors import Actor
from services.clock import Clock
from services.errors import InvalidInput, NotFound
from services.policy import Permission
from services.teams_data import TeamsUser
from storage.db import transaction
from storage.models import (
    Action,
    ActionSource,
    ImprovementMilestone,
    ImprovementPlanChange,
    ImprovementPriority,
    ImprovementPriorityAction,
    ImprovementStatus,
    Person,
)
from storage.repositories import improvement as repo
from storage.repositories import people as people_repo
from views.improvement import (
    FieldChange,
    LinkedActionView,
    MilestoneView,
    PlanChangeView,
    PlanView,
    PriorityChange,
    PriorityView,
)

RECORD_PLAN = "improvement_plan"
RECORD_PRIORITY = "improvement_priority"
MAX_TITLE = 200
MAX_TEXT = 4000
SCREENED = ("title", "rationale", "impact_evidence", "milestone")
FIELD_NAMES = {
    "title": "title",
    "rationale": "why",
    "owner": "owner",
    "impact_evidence": "evidence of impact",
    "status": "status",
    "milestone": "milestone added",
    "milestones_done": "milestones reached",
    "actions": "actions linked",
}
"""How the history names each field (the key is what ``ImprovementPlanChange.fields`` stores)."""


class ImprovementPlanService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        time_zone: str = working_time.DEFAULT_TIME_ZONE,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._time_zone = time_zone

    def today(self) -> date:
        return working_time.local_date(self._clock.now(), self._time_zone)

    # -- reading -----------------------------------------------------------------------------

    async def plan(self, actor: TeamsUser | None) -> PlanView:
        """The whole plan; ``actor=None`` is the command line (trusted). The view is logged."""
        async with transaction(self._sessions) as session:
            acting = await self._actor(session, actor, Permission.VIEW)
            views = await self._views(session, await repo.priorities(session))
            await access_log.record(
                session, acting, access_log.VIEW, RECORD_PLAN, None, _origin(actor), summary="improvement plan viewed"
            )
            can_change = actor is None or policy.allows(acting, Permission.CHANGE, policy.improvement_plan())  # type: ignore[arg-type]
            return PlanView(tuple(views), can_change=can_change)

    async def require_change(self, actor: TeamsUser) -> None:
        """Raise ``NotAllowed`` unless ``actor`` may change the plan (before showing them the form)."""
        async with transaction(self._sessions) as session:
            await self._actor(session, actor, Permission.CHANGE)

    async def priority(self, actor: TeamsUser | None, priority_id: int) -> PriorityView:
        async with transaction(self._sessions) as session:
            await self._actor(session, actor, Permission.VIEW)
            [view] = await self._views(session, [await self._find(session, priority_id)])
            return view

    async def history(self, actor: TeamsUser | None, priority_id: int) -> tuple[PriorityView, list[PlanChangeView]]:
        """A priority and every change made to it, oldest first."""
        async with transaction(self._sessions) as session:
            acting = await self._actor(session, actor, Permission.VIEW)
            priority = await self._find(session, priority_id)
            [view] = await self._views(session, [priority])
            rows = await repo.changes(session, priority_id)
            people = await repo.people(session, (r.changed_by_id for r in rows))
            await access_log.record(
                session, acting, access_log.VIEW, RECORD_PRIORITY, priority_id, {"history": True, **_origin(actor)}
            )
            return view, [
                PlanChangeView(
                    changed_at=row.changed_at,
                    changed_by=people[row.changed_by_id].display_name if row.changed_by_id else text.COMMAND_LINE,
                    change=row.change,
                    fields=tuple(
                        FieldChange(FIELD_NAMES.get(name, name), str(before), str(after))
                        for name, (before, after) in row.fields.items()
                    ),
                )
                for row in rows
            ]

    # -- changing ----------------------------------------------------------------------------

    async def save(
        self, actor: TeamsUser | None, change: PriorityChange, *, priority_id: int | None = None
    ) -> tuple[PriorityView, str]:
        """Add a priority (``priority_id=None``) or update one; returns it and a sentence for the card.

        Raises ``InvalidInput`` with a message per field (an owner is required), ``NotAllowed``
        unless ``actor`` may change the plan, ``NotFound`` for an unknown priority."""
        async with transaction(self._sessions) as session:
            acting = await self._actor(session, actor, Permission.CHANGE)
            priority = await self._find(session, priority_id) if priority_id is not None else None
            owner, actions = await self._validate(session, change, priority)
            if priority is None:
                priority = ImprovementPriority(created_by_id=acting.person_id if acting else None, status="active")
                session.add(priority)
                before: dict[str, str] = {}
            else:
                before = await self._snapshot(session, priority)
            priority.title = change.title.strip()
            priority.owner_id = owner.id
            priority.rationale = change.rationale.strip()
            priority.impact_evidence = change.impact_evidence.strip()
            priority.status = change.status or priority.status
            await session.flush()
            fields = _differences(before, await self._snapshot(session, priority))
            fields |= await self._milestones(session, priority, change)
            fields |= await self._link(session, priority, actions)
            if priority_id is not None and not fields:
                [view] = await self._views(session, [priority])
                return view, text.SAVED_NOTHING.format(title=priority.title)
            kind = text.CHANGE_CREATED if priority_id is None else text.CHANGE_UPDATED
            priority.updated_at = self._clock.now()
            session.add(
                ImprovementPlanChange(
                    priority_id=priority.id,
                    changed_by_id=acting.person_id if acting else None,
                    changed_at=self._clock.now(),
                    change=kind,
                    fields=fields,
                )
            )
            await access_log.record(
                session,
                acting,
                access_log.CHANGE,
                RECORD_PRIORITY,
                priority.id,
                {"change": kind, "fields": sorted(fields), **_origin(actor)},
                summary=f"improvement plan priority {kind}",
            )
            [view] = await self._views(session, [priority])
            message = text.SAVED_NEW if priority_id is None else text.SAVED_CHANGED
            return view, message.format(title=priority.title)

    # -- helpers -----------------------------------------------------------------------------

    async def _actor(self, session: AsyncSession, actor: TeamsUser | None, permission: Permission) -> Actor | None:
        """Who is acting, once the policy allows it (None: the command line, which is trusted)."""
        if actor is None:
            return None
        acting = await actors.load_for_teams_user(session, actor.teams_user_id)
        policy.require(acting, permission, policy.improvement_plan())
        return acting

    @staticmethod
    async def _find(session: AsyncSession, priority_id: int) -> ImprovementPriority:
        priority = await session.get(ImprovementPriority, priority_id)
        if priority is None:
            raise NotFound(text.PROBLEM_NOT_FOUND.format(id=priority_id))
        return priority

    async def _validate(
        self, session: AsyncSession, change: PriorityChange, priority: ImprovementPriority | None
    ) -> tuple[Person, list[Action]]:
        """The owner and the actions to link, or ``InvalidInput`` naming every field that needs a look."""
        values = {
            "title": change.title,
            "rationale": change.rationale,
            "impact_evidence": change.impact_evidence,
            "milestone": change.milestone,
        }
        errors = personal_data.screen_fields(values, SCREENED)
        if not change.title.strip():
            errors["title"] = text.ERROR_TITLE
        elif len(change.title.strip()) > MAX_TITLE:
            errors["title"] = text.PROBLEM_TOO_LONG.format(limit=MAX_TITLE)
        for name in ("rationale", "impact_evidence", "milestone"):
            if len(values[name]) > MAX_TEXT:
                errors[name] = text.PROBLEM_TOO_LONG.format(limit=MAX_TEXT)
        owner = await owner_by_email(
            session, change.owner_email, errors, missing=text.ERROR_OWNER, unknown=text.PROBLEM_OWNER_UNKNOWN
        )
        if change.status and change.status not in set(ImprovementStatus):
            errors["status"] = text.PROBLEM_STATUS
        if change.milestone.strip() and change.milestone_due is None:
            errors["milestone_due"] = text.PROBLEM_MILESTONE_DUE
        if change.milestone_due is not None and not change.milestone.strip():
            errors["milestone"] = text.PROBLEM_MILESTONE_WHAT
        actions = []
        for action_id in change.action_ids:
            action = await session.get(Action, action_id)
            if action is None:
                errors["action_ids"] = text.PROBLEM_ACTION_UNKNOWN.format(id=action_id)
            elif action.source != ActionSource.QIM:
                errors["action_ids"] = text.PROBLEM_ACTION_NOT_QIM.format(id=action_id)
            else:
                actions.append(action)
        if errors or owner is None:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        return owner, actions

    async def _snapshot(self, session: AsyncSession, priority: ImprovementPriority) -> dict[str, str]:
        owner = await session.get(Person, priority.owner_id)
        return {
            "title": priority.title,
            "rationale": priority.rationale,
            "owner": owner.email if owner else "",
            "impact_evidence": priority.impact_evidence,
            "status": priority.status,
        }

    async def _milestones(
        self, session: AsyncSession, priority: ImprovementPriority, change: PriorityChange
    ) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        if change.milestone.strip() and change.milestone_due is not None:
            what = change.milestone.strip()
            session.add(ImprovementMilestone(priority_id=priority.id, description=what, due_date=change.milestone_due))
            fields["milestone"] = ["", f"{what} (due {change.milestone_due.isoformat()})"]
        reached = []
        for milestone in (await repo.milestones(session, [priority.id])).get(priority.id, []):
            if milestone.id in change.milestones_done and milestone.done_at is None:
                milestone.done_at = self._clock.now()
                reached.append(milestone.description)
        if reached:
            fields["milestones_done"] = ["", "; ".join(reached)]
        await session.flush()
        return fields

    @staticmethod
    async def _link(
        session: AsyncSession, priority: ImprovementPriority, actions: list[Action]
    ) -> dict[str, list[str]]:
        linked = await repo.linked_action_ids(session, priority.id)
        new = [a for a in actions if a.id not in linked]
        for action in new:
            session.add(ImprovementPriorityAction(priority_id=priority.id, action_id=action.id))
        await session.flush()
        if not new:
            return {}
        return {
            "actions": [
                ", ".join(f"#{i}" for i in sorted(linked)),
                ", ".join(f"#{i}" for i in sorted(linked | {a.id for a in new})),
            ]
        }

    async def _views(self, session: AsyncSession, priorities: list[ImprovementPriority]) -> list[PriorityView]:
        ids = [p.id for p in priorities]
        milestones = await repo.milestones(session, ids)
        actions = await repo.linked_actions(session, ids)
        people = await repo.people(
            session, [p.owner_id for p in priorities] + [a.owner_id for rows in actions.values() for a in rows]
        )
        today = self.today()

        def name(person_id: int) -> str:
            person = people.get(person_id)
            return person.display_name if person else "?"

        return [
            PriorityView(
                id=p.id,
                title=p.title,
                rationale=p.rationale,
                owner_name=name(p.owner_id),
                owner_email=people[p.owner_id].email if p.owner_id in people else "",
                impact_evidence=p.impact_evidence,
                status=p.status,
                updated_at=p.updated_at,
                milestones=tuple(
                    MilestoneView(
                        m.id, m.description, m.due_date, m.done_at is not None, m.done_at is None and m.due_date < today
                    )
                    for m in milestones.get(p.id, [])
                ),
                actions=tuple(
                    LinkedActionView(
                        a.id, a.description, name(a.owner_id), a.due_date, a.status_on(today).value, a.impact_evidenced
                    )
                    for a in actions.get(p.id, [])
                ),
            )
            for p in priorities
        ]


async def owner_by_email(
    session: AsyncSession, typed: str, errors: dict[str, str], *, missing: str, unknown: str
) -> Person | None:
    """The owner a form names by e-mail; otherwise ``errors["owner_email"]`` says why (``missing``,
    or ``unknown`` formatted with the e-mail): plan priorities and QIM actions cannot be saved without one."""
    if not typed.strip():
        errors["owner_email"] = missing
        return None
    owner = await people_repo.active_member_by_email(session, typed)
    if owner is None:
        errors["owner_email"] = unknown.format(email=typed.strip())
    return owner


def _differences(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Field -> [before, after] for every field that changed (all of them for a new priority)."""
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def _origin(actor: TeamsUser | None) -> dict[str, str]:
    return {"via": "teams"} if actor is not None else {"via": "command line"}


__all__ = ["ImprovementPlanService", "PriorityChange"]
