"""Who may see which part of the dashboard, from the permission policy (the bot's own rules).

The dashboard shows totals, so it asks ``services.policy`` the question it already answers for
aggregate figures (survey results as totals): a team's figures are for its manager, the senior
managers of its service area and the QA lead; an area's for its senior managers and the QA
lead. The whole service is for the roles below. Anyone else in the organisation sees their
own work only (``Level.OWN``).
"""

from __future__ import annotations

from dataclasses import dataclass

from services import policy
from services.actors import Actor
from services.errors import NotAllowed
from storage.models import Role
from views.dashboard import Level

WHOLE_SERVICE_ROLES: frozenset[Role] = frozenset(
    {Role.QA_LEAD, Role.QA_HEAD_OF_SERVICE, Role.SERVICE_DIRECTOR, Role.PERFORMANCE_ANALYST}
)
"""The framework gives the Service Director, the QA lead (and QA Head of Service) and the
performance analysts the whole service."""


@dataclass(frozen=True)
class Place:
    """A place asked for: the whole service, one area or one team (``OWN``: one's own work)."""

    level: Level
    service_area_id: int | None = None
    team_id: int | None = None


def sees_whole_service(actor: Actor) -> bool:
    return actor.is_member and any(actor.has(role) for role in WHOLE_SERVICE_ROLES)


def may_see(actor: Actor, place: Place) -> bool:
    """The policy's answer for the totals of ``place``."""
    if not actor.is_member:
        return False
    if sees_whole_service(actor) or place.level is Level.OWN:
        return True
    if place.level is Level.SERVICE:
        return False
    record = policy.survey_results(team_id=place.team_id, service_area_id=place.service_area_id, aggregate=True)
    return policy.allows(actor, policy.Permission.VIEW, record)


def require_place(actor: Actor, place: Place, refusal: str) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may see ``place`` (the policy's own sentence first)."""
    if may_see(actor, place):
        return
    if not actor.is_member:
        policy.require(actor, policy.Permission.VIEW, policy.survey_results(aggregate=True))
    raise NotAllowed(refusal)


def home(actor: Actor) -> Place:
    """Where someone lands: the widest place they may see."""
    if sees_whole_service(actor):
        return Place(Level.SERVICE)
    tops = top_places(actor)
    return tops[0] if tops else Place(Level.OWN)


def top_places(actor: Actor) -> list[Place]:
    """The widest places someone may see (several for a senior manager of several areas)."""
    if sees_whole_service(actor):
        return [Place(Level.SERVICE)]
    if actor.has(Role.SENIOR_MANAGER) and actor.senior_area_ids:
        return [Place(Level.AREA, service_area_id=area) for area in sorted(actor.senior_area_ids)]
    return [Place(Level.TEAM, team_id=team) for team in sorted(actor.managed_team_ids)]
