"""The organisation: importing it, matching Teams users to it, roles, channel links, whoami."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text as shared_text
from cards import text_organisation as text
from services import access_log, actors, policy
from services.actors import Actor
from services.clock import Clock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.organisation.importer import ImportReport, OrganisationImport
from services.organisation.source import OrganisationFile, name_key, normalise_email, parse_role, read_file
from services.policy import Permission
from services.teams_data import ConversationInfo, TeamsUser
from storage.db import transaction
from storage.models import AREA_ROLES, Conversation, Person, Role, RoleAssignment, ServiceArea, Team
from storage.repositories import conversations as conversation_repo
from storage.repositories import roles as roles_repo
from views.organisation import (
    AdminRolesView,
    ChannelLinkView,
    OrganisationSummary,
    PersonView,
    RoleChange,
    RoleView,
    TeamSummary,
    UnmatchedPerson,
)

ROLE_LABELS: dict[Role, str] = {Role(value): label for value, label in text.ROLE_LABELS.items()}
"""What people see for each role; the wording lives in ``cards.text_organisation``."""
COMMAND_LINE = "command line"


def command_line_origin() -> dict[str, str]:
    """Who changed something from the CLI: there is no Teams identity, so record the OS user."""
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown"
    return {"via": COMMAND_LINE, "os_user": user}


class OrganisationService:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    # -- import -------------------------------------------------------------------------------

    async def import_file(self, path: Path, *, dry_run: bool = False, full: bool = True) -> ImportReport:
        """Import ``path`` (YAML or CSV) in one transaction; a dry run rolls it back."""
        return await self.import_parsed(read_file(path), source=path.name, dry_run=dry_run, full=full)

    async def import_parsed(
        self, parsed: OrganisationFile, *, source: str, dry_run: bool = False, full: bool = True
    ) -> ImportReport:
        async with self._sessions() as session:
            transaction_ = await session.begin()
            try:
                run = OrganisationImport(session, parsed, full=full, now=self._clock.now())
                report = await run.run(actor=None, source=source)
            except BaseException:
                await transaction_.rollback()
                raise
            report.dry_run = dry_run
            if dry_run:
                await transaction_.rollback()
            else:
                await transaction_.commit()
            return report

    async def summary(self) -> OrganisationSummary:
        """Active teams with their manager and size, and how many people hold each role."""
        async with self._sessions() as session:
            sizes = dict(
                (
                    await session.execute(
                        select(Person.team_id, func.count())
                        .where(Person.active.is_(True), Person.in_organisation.is_(True))
                        .group_by(Person.team_id)
                    )
                ).all()
            )
            rows = await session.execute(
                select(Team, ServiceArea.name, Person.display_name)
                .join(ServiceArea, ServiceArea.id == Team.service_area_id)
                .outerjoin(Person, Person.id == Team.manager_id)
                .where(Team.active.is_(True))
                .order_by(ServiceArea.name, Team.name)
            )
            teams = tuple(TeamSummary(t.name, area, manager, sizes.get(t.id, 0)) for t, area, manager in rows)
            by_role = dict(
                (
                    await session.execute(
                        select(RoleAssignment.role, func.count(func.distinct(RoleAssignment.person_id)))
                        .join(Person, Person.id == RoleAssignment.person_id)
                        .where(Person.active.is_(True))
                        .group_by(RoleAssignment.role)
                    )
                ).all()
            )
            by_role[Role.TEAM_MANAGER.value] = sum(1 for t in teams if t.manager)
            people = (await session.execute(select(Person.in_organisation, Person.active))).all()
            return OrganisationSummary(
                teams=teams,
                people_by_role={ROLE_LABELS[Role(role)]: n for role, n in sorted(by_role.items()) if n},
                active_people=sum(1 for member, active in people if member and active),
                deactivated_people=sum(1 for member, active in people if member and not active),
                unmatched_people=sum(1 for member, _ in people if not member),
            )

    async def unmatched(self) -> list[UnmatchedPerson]:
        """People met in Teams whom the organisation file does not (yet) describe."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Person).where(Person.in_organisation.is_(False)).order_by(Person.last_seen_at.desc(), Person.id)
            )
            return [
                UnmatchedPerson(p.display_name, p.teams_user_id, p.aad_object_id, p.email, p.last_seen_at) for p in rows
            ]

    # -- people and roles ---------------------------------------------------------------------

    async def whoami(self, actor: TeamsUser) -> PersonView:
        async with self._sessions() as session:
            person = await session.scalar(select(Person).where(Person.teams_user_id == actor.teams_user_id))
            if person is None:
                return PersonView(
                    actor.name,
                    actor.email,
                    matched=False,
                    active=False,
                    teams_user_id=actor.teams_user_id,
                    aad_object_id=actor.aad_object_id,
                )
            return await person_view(session, person)

    async def admin_roles(self, actor: TeamsUser, email: str | None = None) -> AdminRolesView:
        """What the administrator's roles card needs; with ``email``, that person's roles too."""
        async with self._sessions() as session:
            await self._require_admin(session, actor)
            person = await person_view(session, await self._find_by_email(session, email)) if email else None
            areas = await session.scalars(
                select(ServiceArea.name).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name)
            )
            teams = await session.scalars(select(Team.name).where(Team.active.is_(True)).order_by(Team.name))
            return AdminRolesView(tuple(areas), tuple(teams), person)

    async def change_role(
        self,
        *,
        actor: TeamsUser | None,
        email: str,
        role: str,
        add: bool,
        area: str | None = None,
        team: str | None = None,
    ) -> RoleChange:
        """Add or remove one role. ``actor=None`` is the command line (trusted, logged with the OS user)."""
        parsed_role = parse_role(role)
        if parsed_role is None:
            raise InvalidInput(text.NOT_A_ROLE.format(role=role, roles=", ".join(ROLE_LABELS.values())))
        async with transaction(self._sessions) as session:
            admin = await self._require_admin(session, actor) if actor is not None else None
            person = await self._find_by_email(session, email)
            if not person.in_organisation:
                raise InvalidInput(text.NOT_IN_ORGANISATION_YET.format(email=person.email))
            detail = {"role": parsed_role.value, **({} if actor else command_line_origin())}
            if parsed_role is Role.TEAM_MANAGER:
                changed, scope = await self._change_team_manager(session, person, team, add)
            else:
                area_row = await self._area_for(session, parsed_role, area)
                changed = await self._change_assignment(session, person, parsed_role, area_row, add)
                scope = area_row.name if area_row else None
            if changed:
                if parsed_role is Role.ADMINISTRATOR and not add:
                    await self._keep_an_administrator(session)
                await access_log.record(
                    session,
                    admin,
                    access_log.ROLE_ADDED if add else access_log.ROLE_REMOVED,
                    "person",
                    person.id,
                    {**detail, **({"scope": scope} if scope else {})},
                    summary=f"{ROLE_LABELS[parsed_role]} {'added to' if add else 'removed from'} {person.email}",
                )
            label = ROLE_LABELS[parsed_role] + (f" ({scope})" if scope else "")
            outcome = {
                (True, True): text.ROLE_NOW,
                (True, False): text.ROLE_NO_LONGER,
                (False, True): text.ROLE_ALREADY,
                (False, False): text.ROLE_NOT_HELD,
            }[changed, add]
            message = outcome.format(name=person.display_name, role=label)
            return RoleChange(await person_view(session, person), message, changed)

    async def _require_admin(self, session: AsyncSession, actor: TeamsUser) -> Actor:
        admin = await actors.load_for_teams_user(session, actor.teams_user_id)
        policy.require(admin, Permission.CHANGE, policy.organisation())
        return admin

    async def _find_by_email(self, session: AsyncSession, email: str) -> Person:
        wanted = normalise_email(email)
        person = await session.scalar(select(Person).where(Person.email == wanted)) if wanted else None
        if person is None:
            raise NotFound(shared_text.NO_SUCH_PERSON.format(email=email.strip()))
        return person

    async def _area_for(self, session: AsyncSession, role: Role, area: str | None) -> ServiceArea | None:
        if role not in AREA_ROLES:
            return None
        if not area:
            raise InvalidInput(text.ROLE_NEEDS_AREA.format(role=ROLE_LABELS[role]), {"area": text.CHOOSE_AREA})
        return await _by_name(session, ServiceArea, area, text.KIND_AREA)

    async def _change_assignment(
        self, session: AsyncSession, person: Person, role: Role, area: ServiceArea | None, add: bool
    ) -> bool:
        area_id = area.id if area else None
        existing = await roles_repo.find_assignment(
            session, person_id=person.id, role=role.value, service_area_id=area_id
        )
        if add and existing is None:
            session.add(RoleAssignment(person_id=person.id, role=role.value, service_area_id=area_id))
        elif not add and existing is not None:
            await session.delete(existing)
        else:
            return False
        await session.flush()
        return True

    async def _change_team_manager(
        self, session: AsyncSession, person: Person, team: str | None, add: bool
    ) -> tuple[bool, str | None]:
        """A team manager is whoever a team names as its manager: change the team, not a role row."""
        if add:
            if not team:
                raise InvalidInput(text.TEAM_MANAGER_NEEDS_TEAM, {"team": text.CHOOSE_TEAM})
            row = await _by_name(session, Team, team, text.KIND_TEAM)
            if row.manager_id == person.id:
                return False, row.name
            row.manager_id = person.id
            await session.flush()
            return True, row.name
        managed = list(await session.scalars(select(Team).where(Team.manager_id == person.id)))
        if team:
            managed = [t for t in managed if name_key(t.name) == name_key(team)]
        for row in managed:
            row.manager_id = None
        await session.flush()
        return bool(managed), ", ".join(t.name for t in managed) or team

    async def _keep_an_administrator(self, session: AsyncSession) -> None:
        remaining = await session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .join(Person, Person.id == RoleAssignment.person_id)
            .where(RoleAssignment.role == Role.ADMINISTRATOR.value, Person.active.is_(True))
        )
        if not remaining:
            raise NotAllowed(text.LAST_ADMINISTRATOR)

    # -- channel links ------------------------------------------------------------------------

    async def channel_link(self, conversation: ConversationInfo) -> ChannelLinkView:
        async with self._sessions() as session:
            return await _link_view(
                session, await conversation_repo.get(session, conversation.conversation_id), conversation
            )

    async def link_channel(self, *, actor: TeamsUser, conversation: ConversationInfo, target: str) -> ChannelLinkView:
        """Link a channel to a team (or a service area): its digests and team posts go there."""
        if conversation.kind != "channel":
            raise InvalidInput(text.LINK_CHANNELS_ONLY)
        kind, name = _split_target(target)
        if not name:
            raise InvalidInput(text.LINK_WHICH_TEAM)
        async with transaction(self._sessions) as session:
            linker = await actors.load_for_teams_user(session, actor.teams_user_id)
            team, area = await _resolve_target(session, kind, name)
            area_id = area.id if area else team.service_area_id if team else None
            policy.require(
                linker,
                Permission.CHANGE,
                policy.channel_link(team_id=team.id if team else None, service_area_id=area_id),
            )
            row = await conversation_repo.get(session, conversation.conversation_id)
            if row is None:
                raise NotFound(text.CHANNEL_UNKNOWN)
            row.linked_team_id = team.id if team else None
            row.linked_service_area_id = area.id if area else None
            row.linked_by_id = linker.person_id
            row.linked_at = self._clock.now()
            await session.flush()
            await access_log.record(
                session,
                linker,
                access_log.LINK,
                "conversation",
                row.id,
                {"team_id": row.linked_team_id, "service_area_id": row.linked_service_area_id},
                summary=f"channel {row.name or row.conversation_id} linked to {(team or area).name}",  # type: ignore[union-attr]
            )
            return await _link_view(session, row, conversation)


async def _link_view(session: AsyncSession, row: Conversation | None, info: ConversationInfo) -> ChannelLinkView:
    if row is None:
        return ChannelLinkView(info.name)
    team = await session.get(Team, row.linked_team_id) if row.linked_team_id else None
    area = await session.get(ServiceArea, row.linked_service_area_id) if row.linked_service_area_id else None
    if team and not area:
        area = await session.get(ServiceArea, team.service_area_id)
    linked_by = await session.get(Person, row.linked_by_id) if row.linked_by_id else None
    return ChannelLinkView(
        channel_name=row.name or info.name,
        team=team.name if team else None,
        service_area=area.name if area and (team or row.linked_service_area_id) else None,
        linked_by=linked_by.display_name if linked_by else None,
        linked_at=row.linked_at,
    )


def _split_target(target: str) -> tuple[str | None, str]:
    words = target.strip().split(maxsplit=1)
    if words and words[0].lower() in ("team", "area", "service"):
        rest = words[1] if len(words) > 1 else ""
        if words[0].lower() == "service" and rest.lower().startswith("area"):
            rest = rest[4:]
        return ("team" if words[0].lower() == "team" else "area"), rest.strip()
    return None, target.strip()


async def _resolve_target(session: AsyncSession, kind: str | None, name: str) -> tuple[Team | None, ServiceArea | None]:
    """``link team X`` names a team, or a service area when no team is called that."""
    if kind in (None, "team"):
        try:
            return await _by_name(session, Team, name, text.KIND_TEAM), None
        except NotFound:
            if kind == "team" and not await _matches(session, ServiceArea, name):
                raise
    return None, await _by_name(
        session, ServiceArea, name, text.KIND_TEAM_OR_AREA if kind != "area" else text.KIND_AREA
    )


async def _matches(session: AsyncSession, model: type[Team] | type[ServiceArea], name: str) -> list:  # type: ignore[type-arg]
    rows = list(await session.scalars(select(model).where(model.active.is_(True)).order_by(model.name)))
    exact = [r for r in rows if name_key(r.name) == name_key(name)]
    return exact or [r for r in rows if name_key(name) in name_key(r.name)]


async def _by_name(session: AsyncSession, model, name: str, what: str):  # type: ignore[no-untyped-def]
    """Find an active team or area by its name, or a unique part of it (case does not matter)."""
    found = await _matches(session, model, name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InvalidInput(
            text.NAME_AMBIGUOUS.format(what=what, name=name, matches=", ".join(r.name for r in found[:6]))
        )
    known = list(await session.scalars(select(model.name).where(model.active.is_(True)).order_by(model.name).limit(8)))
    hint = text.NAME_KNOWN.format(names=", ".join(known)) if known else ""
    raise NotFound(text.NO_SUCH_NAME.format(what=what, name=name, hint=hint))


async def person_view(session: AsyncSession, person: Person) -> PersonView:
    """Everything whoami and the roles card show about ``person``."""
    actor = await actors.actor_for(session, person)
    team = await session.get(Team, person.team_id) if person.team_id else None
    manager = await session.get(Person, team.manager_id) if team and team.manager_id else None
    area = await session.get(ServiceArea, team.service_area_id) if team else None
    roles: list[RoleView] = []
    for assignment in await session.scalars(
        select(RoleAssignment).where(RoleAssignment.person_id == person.id).order_by(RoleAssignment.role)
    ):
        scope_area = await session.get(ServiceArea, assignment.service_area_id) if assignment.service_area_id else None
        roles.append(
            RoleView(ROLE_LABELS.get(Role(assignment.role), assignment.role), scope_area.name if scope_area else None)
        )
    for team_id in sorted(actor.managed_team_ids):
        managed = await session.get(Team, team_id)
        roles.append(RoleView(ROLE_LABELS[Role.TEAM_MANAGER], managed.name if managed else None))
    return PersonView(
        display_name=person.display_name,
        email=person.email,
        matched=person.in_organisation,
        active=person.active,
        team=team.name if team else None,
        service_area=area.name if area else None,
        manager=(manager.display_name if manager and manager.id != person.id else None),
        roles=tuple(roles),
        teams_user_id=person.teams_user_id,
        aad_object_id=person.aad_object_id,
    )
