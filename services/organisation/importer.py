"""Apply an organisation file to the database: validate every entry, then write the good ones.

The import runs inside the caller's transaction and mutates ORM rows as it goes, recording
what changed; a dry run is the same work rolled back, so its report is exactly what a real run
would do. Bad entries are rejected one by one with a reason; they never stop the good ones.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cards import text_organisation as text
from services import access_log
from services.actors import Actor
from services.errors import InvalidInput
from services.organisation.source import OrganisationFile, PersonEntry, Rejection, TeamEntry, name_key
from storage.models import AREA_ROLES, Person, Role, RoleAssignment, ServiceArea, Team
from storage.repositories import people as people_repo
from storage.repositories import roles as roles_repo


class Change(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DEACTIVATED = "deactivated"
    UNCHANGED = "unchanged"


class Entity(enum.StrEnum):
    SERVICE_AREA = "service area"
    TEAM = "team"
    PERSON = "person"


@dataclass
class RowChange:
    where: str
    entity: Entity
    subject: str
    change: Change
    fields: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    changes: list[RowChange] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    dry_run: bool = False
    full: bool = True

    def count(self, entity: Entity, change: Change) -> int:
        return sum(1 for c in self.changes if c.entity is entity and c.change is change)

    def counts(self) -> dict[Entity, Counter[Change]]:
        return {entity: Counter(c.change for c in self.changes if c.entity is entity) for entity in Entity}

    @property
    def changed(self) -> list[RowChange]:
        return [c for c in self.changes if c.change is not Change.UNCHANGED]


SECTIONS = ("service_areas", "teams", "people", "row")


def where_order(where: str) -> tuple[int, int]:
    """Sort 'row 12' and 'people[3]' the way they appear in the file."""
    match = re.match(r"(\w+)\W*(\d+)", where)
    if not match or match.group(1) not in SECTIONS:
        return (len(SECTIONS), 0)
    return (SECTIONS.index(match.group(1)), int(match.group(2)))


def _assign(row: Any, **values: Any) -> list[str]:
    """Set attributes that differ; return the names of those that changed."""
    changed = [key for key, value in values.items() if getattr(row, key) != value]
    for key in changed:
        setattr(row, key, values[key])
    return changed


@dataclass
class _Organisation:
    """The database's current organisation, indexed for matching."""

    areas: dict[str, ServiceArea]
    teams: dict[str, Team]
    people_by_email: dict[str, Person]
    people_by_aad: dict[str, Person]
    roles: dict[int, set[tuple[str, int | None]]]

    @classmethod
    async def load(cls, session: AsyncSession) -> _Organisation:
        areas = {name_key(a.name): a for a in await session.scalars(select(ServiceArea))}
        teams = {name_key(t.name): t for t in await session.scalars(select(Team))}
        people = list(await session.scalars(select(Person)))
        roles: dict[int, set[tuple[str, int | None]]] = {}
        for assignment in await session.scalars(select(RoleAssignment)):
            roles.setdefault(assignment.person_id, set()).add((assignment.role, assignment.service_area_id))
        return cls(
            areas=areas,
            teams=teams,
            people_by_email={p.email: p for p in people if p.email},
            people_by_aad={p.aad_object_id: p for p in people if p.aad_object_id},
            roles=roles,
        )


class OrganisationImport:
    """One import run over one session. Use ``run``; the caller commits or rolls back."""

    def __init__(self, session: AsyncSession, parsed: OrganisationFile, *, full: bool, now: datetime) -> None:
        self.session = session
        self.parsed = parsed
        self.full = full
        self.now = now
        self.report = ImportReport(rejections=list(parsed.rejections), full=full)

    async def run(self, *, actor: Actor | None, source: str) -> ImportReport:
        db = await _Organisation.load(self.session)
        teams, people = self._validate(db)
        if self.full and not people and any(p.in_organisation and p.active for p in db.people_by_email.values()):
            raise InvalidInput(text.IMPORT_WOULD_EMPTY)
        areas = await self._apply_areas(db)
        team_rows, team_fields = await self._apply_teams(db, teams, areas)
        person_rows = await self._apply_people(db, people, team_rows, areas)
        await self._apply_managers(teams, team_rows, team_fields, person_rows)
        if self.full:
            await self._deactivate_absent(db, people)
        for entry in teams:
            self._record(entry.where, Entity.TEAM, entry.name, team_fields[name_key(entry.name)])
        order = list(Entity)
        self.report.changes.sort(key=lambda c: order.index(c.entity))
        self.report.rejections.sort(key=lambda r: where_order(r.where))
        counts = {entity.value: dict(counter) for entity, counter in self.report.counts().items()}
        await access_log.record(
            self.session,
            actor,
            access_log.IMPORT,
            "organisation",
            None,
            {"source": source, "full": self.full, "counts": counts, "rejected": len(self.report.rejections)},
            summary=f"organisation import from {source}",
        )
        return self.report

    # -- validation -------------------------------------------------------------------------

    def _reject(self, where: str, subject: str, reason: str) -> None:
        self.report.rejections.append(Rejection(where, subject, reason))

    def _validate(self, db: _Organisation) -> tuple[list[TeamEntry], list[PersonEntry]]:
        known_areas = {name_key(a.name) for a in self.parsed.areas}
        if not self.full:
            known_areas |= set(db.areas)
        teams = [t for t in self.parsed.teams if self._team_area_known(t, known_areas)]
        people = self._people_in_their_own_right(db, teams, known_areas)
        # A team whose manager is not a good person row is rejected; its new team's people with
        # it, which may in turn remove another team's manager: repeat until nothing moves.
        while True:
            emails = {p.email for p in people}
            if not self.full:
                emails |= {e for e, p in db.people_by_email.items() if p.in_organisation and p.active}
            bad_teams = [t for t in teams if t.manager_email and t.manager_email not in emails]
            for team in bad_teams:
                self._reject(team.where, team.name, f"manager {team.manager_email} is not in the organisation")
            teams = [t for t in teams if t not in bad_teams]
            managed = {t.manager_email for t in teams if t.manager_email}
            if not self.full:
                managed |= {
                    p.email for p in db.people_by_email.values() if any(t.manager_id == p.id for t in db.teams.values())
                }
            usable_teams = {name_key(t.name) for t in teams} | self._existing_teams_kept(db)
            bad_people = []
            for person in people:
                if person.team and name_key(person.team) not in usable_teams:
                    bad_people.append((person, f"team '{person.team}' was rejected (see its own entry)"))
                elif Role.TEAM_MANAGER in person.roles and person.email not in managed:
                    bad_people.append((person, "listed as team manager, but no team names them as its manager"))
            for person, reason in bad_people:
                self._reject(person.where, person.email, reason)
            rejected = {id(person) for person, _ in bad_people}
            people = [p for p in people if id(p) not in rejected]
            if not bad_teams and not bad_people:
                return teams, people

    def _team_area_known(self, team: TeamEntry, known_areas: set[str]) -> bool:
        if name_key(team.service_area) in known_areas:
            return True
        self._reject(team.where, team.name, f"unknown service area '{team.service_area}'")
        return False

    def _existing_teams_kept(self, db: _Organisation) -> set[str]:
        """Teams already in the database that this import leaves in place."""
        return set(db.teams) if not self.full else set(db.teams) & self.parsed.mentioned_teams

    def _people_in_their_own_right(
        self, db: _Organisation, teams: list[TeamEntry], known_areas: set[str]
    ) -> list[PersonEntry]:
        known_teams = {name_key(t.name) for t in teams} | self._existing_teams_kept(db)
        emails: dict[str, str] = {}
        aads: dict[str, str] = {}
        good: list[PersonEntry] = []
        for person in self.parsed.people:
            reason = None
            if person.email in emails:
                reason = f"duplicate e-mail, already at {emails[person.email]}"
            elif person.aad_object_id and person.aad_object_id in aads:
                reason = f"duplicate aad_object_id, already at {aads[person.aad_object_id]}"
            elif person.team and name_key(person.team) not in known_teams:
                reason = f"unknown team '{person.team}'"
            else:
                unknown = [a for a in person.senior_manager_of if name_key(a) not in known_areas]
                if unknown:
                    reason = f"unknown service area '{unknown[0]}'"
            if reason is None:
                reason = self._identity_clash(db, person)
            if reason:
                self._reject(person.where, person.email, reason)
                continue
            emails[person.email] = person.where
            if person.aad_object_id:
                aads[person.aad_object_id] = person.where
            good.append(person)
        return good

    def _identity_clash(self, db: _Organisation, person: PersonEntry) -> str | None:
        """An AAD object id that already identifies another organisation member cannot move."""
        owner = db.people_by_aad.get(person.aad_object_id or "")
        if owner is None or not owner.in_organisation or owner.email == person.email:
            return None
        by_email = db.people_by_email.get(person.email)
        if owner.email in self.parsed.mentioned_emails or (by_email is not None and by_email.in_organisation):
            return f"aad_object_id already belongs to {owner.email}"
        return None  # the same person with a new e-mail address

    # -- writing ----------------------------------------------------------------------------

    def _record(self, where: str, entity: Entity, subject: str, fields: list[str] | None) -> None:
        if fields is None:
            change = Change.CREATED
        elif fields:
            change = Change.UPDATED
        else:
            change = Change.UNCHANGED
        self.report.changes.append(RowChange(where, entity, subject, change, fields or []))

    async def _apply_areas(self, db: _Organisation) -> dict[str, ServiceArea]:
        areas = dict(db.areas)
        seen: set[str] = set()
        for entry in self.parsed.areas:
            key = name_key(entry.name)
            if key in seen:
                self._reject(entry.where, entry.name, "duplicate service area")
                continue
            seen.add(key)
            area = areas.get(key)
            if area is None:
                area = areas[key] = ServiceArea(name=entry.name, active=True)
                self.session.add(area)
                self._record(entry.where, Entity.SERVICE_AREA, entry.name, None)
            else:
                self._record(entry.where, Entity.SERVICE_AREA, entry.name, _assign(area, name=entry.name, active=True))
        if self.full:
            for key, area in db.areas.items():
                if key not in self.parsed.mentioned_areas and area.active:
                    area.active = False
                    self.report.changes.append(RowChange("-", Entity.SERVICE_AREA, area.name, Change.DEACTIVATED))
        await self.session.flush()
        return areas

    async def _apply_teams(
        self, db: _Organisation, teams: list[TeamEntry], areas: dict[str, ServiceArea]
    ) -> tuple[dict[str, Team], dict[str, list[str] | None]]:
        rows = dict(db.teams)
        fields: dict[str, list[str] | None] = {}
        for entry in teams:
            key = name_key(entry.name)
            area = areas[name_key(entry.service_area)]
            team = rows.get(key)
            if team is None:
                team = rows[key] = Team(name=entry.name, service_area_id=area.id, active=True)
                self.session.add(team)
                fields[key] = None
            else:
                fields[key] = _assign(team, name=entry.name, service_area_id=area.id, active=True)
        if self.full:
            for key, team in db.teams.items():
                if key not in self.parsed.mentioned_teams and team.active:
                    team.active = False
                    team.manager_id = None
                    self.report.changes.append(RowChange("-", Entity.TEAM, team.name, Change.DEACTIVATED))
        await self.session.flush()
        return rows, fields

    async def _apply_people(
        self,
        db: _Organisation,
        people: list[PersonEntry],
        teams: dict[str, Team],
        areas: dict[str, ServiceArea],
    ) -> dict[str, Person]:
        rows: dict[str, Person] = {}
        matched: list[tuple[PersonEntry, Person, bool, list[str]]] = []
        for entry in people:
            person, created = await self._match(db, entry)
            team_id = teams[name_key(entry.team)].id if entry.team else None
            fields = _assign(
                person,
                email=entry.email,
                display_name=entry.display_name or person.display_name or entry.email.split("@")[0],
                aad_object_id=entry.aad_object_id or person.aad_object_id,
                team_id=team_id,
                in_organisation=True,
                active=True,
                deactivated_at=None,
            )
            matched.append((entry, person, created, fields))
        await self.session.flush()  # once for everyone: new people get their ids
        for entry, person, created, fields in matched:
            wanted = {(r.value, None) for r in entry.roles if r not in AREA_ROLES and r is not Role.TEAM_MANAGER}
            wanted |= {
                (role.value, areas[name_key(a)].id)
                for role in entry.roles & AREA_ROLES
                for a in entry.senior_manager_of
            }
            if await self._set_roles(person, db.roles.get(person.id, set()), wanted):
                fields.append("roles")
            rows[entry.email] = person
            self._record(entry.where, Entity.PERSON, entry.email, None if created else fields)
        await self.session.flush()
        return rows

    async def _match(self, db: _Organisation, entry: PersonEntry) -> tuple[Person, bool]:
        """The existing person this entry describes (merging a Teams-only duplicate), or a new one."""
        by_email = db.people_by_email.get(entry.email)
        by_aad = db.people_by_aad.get(entry.aad_object_id or "")
        if by_email and by_aad and by_email is not by_aad:
            keep, duplicate = (by_aad, by_email) if by_aad.in_organisation else (by_email, by_aad)
            await people_repo.merge_into(self.session, keep=keep, duplicate=duplicate)
            return keep, False
        person = by_aad or by_email
        if person is not None:
            return person, False
        person = Person(email=entry.email, display_name=entry.display_name or entry.email.split("@")[0])
        self.session.add(person)
        return person, True

    async def _set_roles(
        self, person: Person, held: set[tuple[str, int | None]], wanted: set[tuple[str, int | None]]
    ) -> bool:
        for role, area_id in wanted - held:
            self.session.add(RoleAssignment(person_id=person.id, role=role, service_area_id=area_id))
        for role, area_id in held - wanted:
            assignment = await roles_repo.find_assignment(
                self.session, person_id=person.id, role=role, service_area_id=area_id
            )
            if assignment is not None:
                await self.session.delete(assignment)
        return wanted != held

    async def _apply_managers(
        self,
        teams: list[TeamEntry],
        rows: dict[str, Team],
        fields: dict[str, list[str] | None],
        people: dict[str, Person],
    ) -> None:
        for entry in teams:
            key = name_key(entry.name)
            manager = people.get(entry.manager_email or "")
            if manager is None and entry.manager_email:
                manager = await self.session.scalar(select(Person).where(Person.email == entry.manager_email))
            changed = _assign(rows[key], manager_id=manager.id if manager else None)
            if fields[key] is not None:
                fields[key] = [*fields[key], *(["manager"] if changed else [])]
        await self.session.flush()

    async def _deactivate_absent(self, db: _Organisation, people: list[PersonEntry]) -> None:
        listed_aads = {p.aad_object_id for p in self.parsed.people if p.aad_object_id}
        for person in db.people_by_email.values():
            if not (person.in_organisation and person.active):
                continue
            if person.email in self.parsed.mentioned_emails or person.aad_object_id in listed_aads:
                continue
            person.active = False
            person.deactivated_at = self.now
            self.report.changes.append(RowChange("-", Entity.PERSON, person.email or "", Change.DEACTIVATED))
        await self.session.flush()
