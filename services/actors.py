"""Who is acting: a person with their roles, team and the teams and areas they answer for.

Every permission check (``services.policy``) takes an ``Actor``. Load one per turn with
``load_for_teams_user`` (bot traffic), ``load_for_person`` (jobs, the CLI) or ``load`` (either id,
as services take it in ``actor_id``), inside the caller's own session, so a feature needs no extra
round trip through another service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Integer, String, bindparam, literal, null, select, union_all
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
    """Build the ``Actor`` of an already loaded person (None gives ``NOBODY``): one query."""
    if person is None:
        return NOBODY
    roles: set[Role] = set()
    senior_areas: set[int] = set()
    managed: set[int] = set()
    area_teams: set[int] = set()
    team_name: str | None = None
    team_area: int | None = None
    for kind, text, number in await session.execute(_FACTS, {"person_id": person.id, "team_id": person.team_id}):
        if kind == _ROLE:
            if text in Role._value2member_map_:
                roles.add(Role(text))
            if text in AREA_ROLES and number:
                senior_areas.add(number)
        elif kind == _MANAGED:
            managed.add(number)
        elif kind == _AREA_TEAM:
            area_teams.add(number)
        else:
            team_name, team_area = text, number
    if managed:
        roles.add(Role.TEAM_MANAGER)
    has_team = team_name is not None
    return Actor(
        person_id=person.id,
        display_name=person.display_name,
        email=person.email,
        in_organisation=person.in_organisation,
        active=person.active,
        team_id=person.team_id if has_team else None,
        team_name=team_name,
        service_area_id=team_area if has_team else None,
        roles=frozenset(roles),
        managed_team_ids=frozenset(managed),
        senior_area_ids=frozenset(senior_areas),
        area_team_ids=frozenset(area_teams),
    )


_ROLE, _MANAGED, _AREA_TEAM, _OWN_TEAM = "role", "managed", "area team", "own team"


def _facts_query() -> CompoundSelect:
    """Everything an ``Actor`` needs beyond the person, in one statement (one round trip where
    there were five), as (kind, text, number) rows: each role held (role, its service area),
    each active team managed (team id), each team in a service area the person leads as senior
    manager or Head of Service (team id), and their own team (its name, its service area).
    Parameters: ``person_id`` and ``team_id`` (the person's own team, NULL for none)."""
    person_id, team_id = bindparam("person_id", type_=Integer), bindparam("team_id", type_=Integer)

    def row(name: str, text: Any, number: Any) -> tuple[Any, ...]:
        return (literal(name, String).label("kind"), text.label("text"), number.label("number"))

    no_text = null().cast(String)
    led_areas = select(RoleAssignment.service_area_id).where(
        RoleAssignment.person_id == person_id,
        RoleAssignment.role.in_([role.value for role in AREA_ROLES]),
        RoleAssignment.service_area_id.is_not(None),
    )
    return union_all(
        select(*row(_ROLE, RoleAssignment.role, RoleAssignment.service_area_id)).where(
            RoleAssignment.person_id == person_id
        ),
        select(*row(_MANAGED, no_text, Team.id)).where(Team.manager_id == person_id, Team.active.is_(True)),
        select(*row(_AREA_TEAM, no_text, Team.id)).where(Team.service_area_id.in_(led_areas)),
        select(*row(_OWN_TEAM, Team.name, Team.service_area_id)).where(Team.id == team_id),
    )


_FACTS = _facts_query()
