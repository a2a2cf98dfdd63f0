"""Who may observe practice, read an observation and record a team's group supervision.

Kept in one small module so the framework's roles (principal social worker, practice lead)
can be pointed at here when ``services.policy`` gains them: change ``OBSERVER_ROLES``.
"""

from __future__ import annotations

from services.actors import Actor
from storage.models import Role

OBSERVER_ROLES: frozenset[Role] = frozenset({Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.QA_LEAD})
"""Roles that observe practice: managers, and the QA lead standing in for the practice lead / PSW."""


def may_observe(actor: Actor) -> bool:
    """True when ``actor`` may record an observation of someone else's practice."""
    return actor.is_member and any(actor.has(role) for role in OBSERVER_ROLES)


def may_read_observation(actor: Actor, *, practitioner_id: int, observer_id: int, team_id: int | None) -> bool:
    """The practitioner observed, the observer and the practitioner's team manager; nobody else."""
    if not actor.is_member:
        return False
    return actor.person_id in (practitioner_id, observer_id) or actor.manages(team_id)


def may_record_for_team(actor: Actor, team_id: int) -> bool:
    """A team's members, its manager and the QA lead record its group supervision and mapping."""
    return actor.is_member and (actor.team_id == team_id or actor.manages(team_id) or actor.has(Role.QA_LEAD))
