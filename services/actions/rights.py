"""Who may do what to an action, as ``services.policy`` decides it.

Only the owner and their manager do the work on an action (SUBMIT: mark done, progress, ask for a new
date, impact); decisions over it (dates, reassigning, cancelling, asking for more impact) belong to the
manager, whoever raised it for someone else, and the QA lead (CHANGE), never to the owner themselves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import actors, policy
from services.actions.seniors import manager_id_of
from services.actors import Actor
from storage.models import Action, Role


def record_of(action: Action) -> policy.RecordContext:
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


async def rights_over(session: AsyncSession, actor_id: int, action: Action) -> tuple[Actor, Rights]:
    """The acting person, and what they may do with this action."""
    actor = await actors.load_for_person(session, actor_id)
    record = record_of(action)
    rights = Rights(
        view=policy.allows(actor, policy.Permission.VIEW, record),
        work=policy.allows(actor, policy.Permission.SUBMIT, record),
        decide=actor.person_id != action.owner_id and policy.allows(actor, policy.Permission.CHANGE, record),
    )
    return actor, rights


async def require(session: AsyncSession, actor_id: int, permission: policy.Permission, action: Action) -> Actor:
    """The acting person, or ``NotAllowed`` when they lack ``permission`` over the action."""
    actor = await actors.load_for_person(session, actor_id)
    policy.require(actor, permission, record_of(action))
    return actor


async def may_decide(session: AsyncSession, actor_id: int, action: Action) -> bool:
    return (await rights_over(session, actor_id, action))[1].decide


async def may_create_for_others(session: AsyncSession, actor_id: int) -> bool:
    """Managers (of a team) and the QA lead may create actions for other people."""
    actor = await actors.load_for_person(session, actor_id)
    return actor.has(Role.QA_LEAD) or bool(actor.managed_team_ids)
