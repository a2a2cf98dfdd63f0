"""The playground's demo: load the fictional organisation, and let the playground's user switch role.

Only for local mode: a newcomer tries qop as a practitioner, then as a manager, then as the QA
lead, without editing any file. Real roles come from the organisation file and administrators.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_organisation as text
from services import access_log
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed
from services.organisation import ImportReport, OrganisationService
from services.organisation.service import ROLE_LABELS, person_view
from services.organisation.source import name_key, parse_role, read_file
from services.teams_data import TeamsUser
from storage.db import transaction
from storage.models import AREA_ROLES, Person, Role, RoleAssignment, Team
from views.organisation import PersonView

DEMO_ROLE_NAMES = ", ".join(ROLE_LABELS.values())


class DemoService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        organisation: OrganisationService,
        organisation_file: Path,
        enabled: bool,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._organisation = organisation
        self._file = organisation_file
        self._enabled = enabled

    async def load(self) -> ImportReport:
        """Import the demo organisation through the ordinary import (idempotent)."""
        return await self._organisation.import_file(self._file)

    async def switch_role(self, actor: TeamsUser, role_text: str) -> tuple[str, PersonView]:
        """Make the playground user hold exactly one demo role; returns its label and who they now are."""
        if not self._enabled:
            raise NotAllowed(text.DEMO_PLAYGROUND_ONLY)
        role = parse_role(role_text) if role_text.strip() else None
        if role is None:
            raise InvalidInput(text.DEMO_USAGE.format(roles=DEMO_ROLE_NAMES))
        async with transaction(self._sessions) as session:
            person = await session.scalar(select(Person).where(Person.teams_user_id == actor.teams_user_id))
            if person is None or not person.in_organisation:
                raise NotAllowed(text.DEMO_NOT_LOADED)
            team = await session.get(Team, person.team_id) if person.team_id else None
            if team is None and (role is Role.TEAM_MANAGER or role in AREA_ROLES):
                raise InvalidInput(text.DEMO_MANAGER_NEEDS_TEAM)
            await session.execute(delete(RoleAssignment).where(RoleAssignment.person_id == person.id))
            for held, area_id in _preset(role, team):
                session.add(RoleAssignment(person_id=person.id, role=held.value, service_area_id=area_id))
            if team is not None:
                await self._set_team_manager(session, team, person if role is Role.TEAM_MANAGER else None)
            await session.flush()
            await access_log.record(
                session, person, "demo role", "person", person.id, {"role": role.value}, summary="demo role switch"
            )
            return ROLE_LABELS[role], await person_view(session, person)

    async def _set_team_manager(self, session: AsyncSession, team: Team, manager: Person | None) -> None:
        """The demo user manages their team, or the team gets back the manager the demo file names."""
        if manager is None:
            named = next(
                (t.manager_email for t in read_file(self._file).teams if name_key(t.name) == name_key(team.name)), None
            )
            manager = await session.scalar(select(Person).where(Person.email == named)) if named else None
        team.manager_id = manager.id if manager else None


def _preset(role: Role, team: Team | None) -> list[tuple[Role, int | None]]:
    if role is Role.TEAM_MANAGER:
        return []  # managing the team is what makes a team manager
    if role in AREA_ROLES:
        return [(role, team.service_area_id if team else None)]
    return [(role, None)]
