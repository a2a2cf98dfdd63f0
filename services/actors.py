"""Who is acting: a person with their roles, team and the teams and areas they answer for.

Every permission check (``services.policy``) takes an ``Actor``. Load one per turn with
``load_for_teams_user`` (bot traffic), ``load_for_person`` (jobs, the CLI) or ``load`` (either id,
as services take it in ``actor_id``), inside the caller's own session, so a feature needs no extra
round trip through another service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AREA_ROLES, Person, Role, RoleAssignment, Team


@dataclass(frozen=True)
class Actor:
    """A person as the permission rules see them. ``person_id`` is None for someone qop has never met."""

    person_id: int | None
    display_name: str = ""
    email: str | None = None
    in_organisation: bool = False
    active: bool = False
    team_id: int | None = None
    team_name: str | None = None
    service_area_id: int | None = None
    """The service area of the person's own team."""
    roles: frozenset[Role] = frozenset()
    managed_team_ids: frozenset[int] = frozenset()
    senior_area_ids: frozenset[int] = frozenset()
    """Service areas this person leads as senior manager or Head of Service."""
    area_team_ids: frozenset[int] = field(default=frozenset())
    """Every team inside ``senior_area_ids`` (so a record that names only its team can be placed)."""

    @property
    def is_member(self) -> bool:
        """Matched to the organisation and still active: the precondition for almost everything."""
        return self.person_id is not None and self.in_organisation and self.active

    def has(self, role: Role) -> bool:
        return self.is_member and role in self.roles

    def manages(self, team_id: int | None) -> bool:
        return self.is_member and team_id is not None and team_id in self.managed_team_ids

    @property
    def leads_areas(self) -> bool:
        """A senior manager or Head of Service: they answer for their service areas."""
        return any(self.has(role) for role in AREA_ROLES)

    def leads_area(self, service_area_id: int | None) -> bool:
        return self.leads_areas and service_area_id is not None and service_area_id in self.senior_area_ids

    def leads_team_area(self, team_id: int | None) -> bool:
        return self.leads_areas and team_id is not None and team_id in self.area_team_ids


NOBODY = Actor(person_id=None)
"""A Teams user qop has no record of (they can still ask for help and whoami)."""


ActorId = str | int
"""The acting person by id: their Teams user id (``str``, from the bot) or their qop person id
(``int``, from jobs, the command line and the demo)."""


async def load(session: AsyncSession, actor_id: ActorId) -> Actor:
    """The ``Actor`` behind either kind of id (see ``ActorId``)."""
    if isinstance(actor_id, int):
        return await load_for_person(session, actor_id)
    return await load_for_teams_user(session, actor_id)


async def load_for_teams_user(session: AsyncSession, teams_user_id: str) -> Actor:
    person = await session.scalar(select(Person).where(Person.teams_user_id == teams_user_id))
    return await actor_for(session, person)


async def load_for_person(session: AsyncSession, person_id: int) -> Actor:
    return await actor_for(session, await session.get(Person, person_id))


async def actor_for(session: AsyncSession, person: Person | None) -> Actor:
    """Build the ``Actor`` of an already loaded person (None gives ``NOBODY``)."""
    if person is None:
        return NOBODY
    assignments = list(await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id)))
    managed = set(await session.scalars(select(Team.id).where(Team.manager_id == person.id, Team.active.is_(True))))
    senior_areas = {a.service_area_id for a in assignments if a.role in AREA_ROLES and a.service_area_id}
    area_teams = set(await session.scalars(select(Team.id).where(Team.service_area_id.in_(senior_areas))))
    team = await session.get(Team, person.team_id) if person.team_id else None
    roles = {Role(a.role) for a in assignments if a.role in Role._value2member_map_}
    if managed:
        roles.add(Role.TEAM_MANAGER)
    return Actor(
        person_id=person.id,
        display_name=person.display_name,
        email=person.email,
        in_organisation=person.in_organisation,
        active=person.active,
        team_id=team.id if team else None,
        team_name=team.name if team else None,
        service_area_id=team.service_area_id if team else None,
        roles=frozenset(roles),
        managed_team_ids=frozenset(managed),
        senior_area_ids=frozenset(senior_areas),
        area_team_ids=frozenset(area_teams),
    )
