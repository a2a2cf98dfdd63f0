"""Who may observe practice, read an observation and record a team's group supervision.

Kept in one small module: who observes is ``OBSERVER_ROLES``.
"""

from __future__ import annotations

from services.actors import Actor
from storage.models import Role

OBSERVER_ROLES: frozenset[Role] = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.QA_LEAD,
        Role.QA_HEAD_OF_SERVICE,
        Role.PRINCIPAL_SOCIAL_WORKER,
        Role.PRACTICE_CHAMPION,
    }
)
"""Roles that observe practice: managers, the QA lead and the framework's practice leads (the
Principal Social Worker, practice champions)."""


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
