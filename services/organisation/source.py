"""Reading an organisation file (YAML or CSV) into plain entries, each knowing where it came from.

This module only reads and checks the shape of each entry; whether a team or a manager exists
is decided in ``importer.py``, against the whole file and the database.

YAML (the richer format; ``deploy/demo/organisation.yaml`` documents it)::

    service_areas: [First Contact, Early Help]
    teams:
      - {name: Riverside Locality Team, service_area: Early Help, manager: dana.marsh@northshire.example}
    people:
      - {email: sam.okafor@northshire.example, name: Sam Okafor, team: Riverside Locality Team,
         roles: [practitioner], aad_object_id: optional, senior_manager_of: [optional area]}

CSV (one person per row, as an HR export gives it; teams and areas come from the rows)::

    email,display_name,aad_object_id,team,service_area,team_manager_email,roles,senior_manager_of

``roles`` and ``senior_manager_of`` hold several values separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from storage.models import AREA_ROLES, Role

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
CSV_COLUMNS = (
    "email",
    "display_name",
    "aad_object_id",
    "team",
    "service_area",
    "team_manager_email",
    "roles",
    "senior_manager_of",
)
ROLE_NAMES = {
    "practitioner": Role.PRACTITIONER,
    "social worker": Role.PRACTITIONER,
    "team manager": Role.TEAM_MANAGER,
    "manager": Role.TEAM_MANAGER,
    "senior manager": Role.SENIOR_MANAGER,
    "qa lead": Role.QA_LEAD,
    "moderator": Role.MODERATOR,
    "administrator": Role.ADMINISTRATOR,
    "admin": Role.ADMINISTRATOR,
    "service director": Role.SERVICE_DIRECTOR,
    "director": Role.SERVICE_DIRECTOR,
    "head of service": Role.HEAD_OF_SERVICE,
    "qa head of service": Role.QA_HEAD_OF_SERVICE,
    "head of service quality assurance": Role.QA_HEAD_OF_SERVICE,
    "principal social worker": Role.PRINCIPAL_SOCIAL_WORKER,
    "psw": Role.PRINCIPAL_SOCIAL_WORKER,
    "iro manager": Role.IRO_MANAGER,
    "iro/cp chair manager": Role.IRO_MANAGER,
    "cp chair manager": Role.IRO_MANAGER,
    "practice champion": Role.PRACTICE_CHAMPION,
    "performance analyst": Role.PERFORMANCE_ANALYST,
    "client relations": Role.CLIENT_RELATIONS,
}
MAX_NAME = 200
MAX_EMAIL = 320
ROLE_LIST = (
    "practitioner, team manager, senior manager, QA lead, moderator, administrator, service director, "
    "head of service, QA head of service, principal social worker, IRO manager, practice champion, "
    "performance analyst, client relations"
)


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not YAML/CSV, wrong columns); nothing is imported."""


def parse_role(text: str) -> Role | None:
    """Accept the ways an administrator writes a role: 'QA lead', 'qa_lead', 'Team-Manager'."""
    key = re.sub(r"[\s_\-]+", " ", text.strip().lower())
    return ROLE_NAMES.get(key)


def normalise_email(text: str | None) -> str:
    return (text or "").strip().lower()


def name_key(text: str) -> str:
    """Team and area names match whatever their case or spacing."""
    return re.sub(r"\s+", " ", text.strip()).casefold()


@dataclass
class Rejection:
    """One entry the import will not apply, and why (shown with its row number or YAML path)."""

    where: str
    subject: str
    reason: str


@dataclass
class AreaEntry:
    name: str
    where: str


@dataclass
class TeamEntry:
    name: str
    service_area: str
    manager_email: str | None
    where: str


@dataclass
class PersonEntry:
    email: str
    display_name: str
    aad_object_id: str | None
    team: str | None
    roles: frozenset[Role]
    senior_manager_of: tuple[str, ...]
    where: str


@dataclass
class OrganisationFile:
    areas: list[AreaEntry] = field(default_factory=list)
    teams: list[TeamEntry] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    mentioned_emails: set[str] = field(default_factory=set)
    """Every e-mail on any people row, good or bad: nobody named in the file is deactivated."""
    mentioned_teams: set[str] = field(default_factory=set)
    mentioned_areas: set[str] = field(default_factory=set)


def read_file(path: Path) -> OrganisationFile:
    """Read ``path`` by its extension (.yaml/.yml or .csv)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"cannot read {path}: {error}") from error
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml(text)
    if suffix == ".csv":
        return read_csv(text)
    raise UnreadableFile(f"{path.name}: use a .yaml, .yml or .csv file")


# -- YAML --------------------------------------------------------------------------------------


def read_yaml(text: str) -> OrganisationFile:
    try:
        # libyaml (in the PyYAML wheels) parses a county-sized file ten times faster.
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise UnreadableFile(f"not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise UnreadableFile("the YAML file must be a mapping with service_areas, teams and people")
    unknown = set(document) - {"service_areas", "teams", "people"}
    if unknown:
        raise UnreadableFile(
            f"unknown section(s) {', '.join(sorted(map(str, unknown)))}: use service_areas, teams, people"
        )
    result = OrganisationFile()
    for index, item in enumerate(_list(document, "service_areas")):
        where = f"service_areas[{index}]"
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            result.rejections.append(Rejection(where, str(name or ""), "a service area needs a name"))
            continue
        if len(name.strip()) > MAX_NAME:
            result.rejections.append(Rejection(where, name[:40], f"name is longer than {MAX_NAME} characters"))
            continue
        result.mentioned_areas.add(name_key(name))
        result.areas.append(AreaEntry(name.strip(), where))
    for index, item in enumerate(_list(document, "teams")):
        where = f"teams[{index}]"
        if not isinstance(item, dict):
            result.rejections.append(Rejection(where, str(item), "a team needs name, service_area and manager"))
            continue
        _team(result, where, item.get("name"), item.get("service_area"), item.get("manager"))
    for index, item in enumerate(_list(document, "people")):
        where = f"people[{index}]"
        if not isinstance(item, dict):
            result.rejections.append(Rejection(where, str(item), "a person needs at least an email"))
            continue
        _person(
            result,
            where,
            email=item.get("email"),
            name=item.get("name", item.get("display_name")),
            aad_object_id=item.get("aad_object_id"),
            team=item.get("team"),
            roles=item.get("roles") or [],
            senior_manager_of=item.get("senior_manager_of") or [],
        )
    return result


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key) or []
    if not isinstance(value, list):
        raise UnreadableFile(f"'{key}' must be a list")
    return value


# -- CSV ---------------------------------------------------------------------------------------


def read_csv(text: str) -> OrganisationFile:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "email" not in header:
        raise UnreadableFile(f"the CSV needs a header row with at least 'email'; columns are: {', '.join(CSV_COLUMNS)}")
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise UnreadableFile(f"unknown column(s) {', '.join(unknown)}; columns are: {', '.join(CSV_COLUMNS)}")
    reader.fieldnames = header
    result = OrganisationFile()
    for row in reader:
        # Row numbers as a spreadsheet shows them: the header is row 1.
        where = f"row {reader.line_num}"
        cell = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if not any(cell.values()):
            continue
        if normalise_email(cell.get("email")):
            result.mentioned_emails.add(normalise_email(cell.get("email")))
        team, area = cell.get("team") or None, cell.get("service_area") or None
        if team and area:
            before = len(result.rejections)
            _team(result, where, team, area, cell.get("team_manager_email") or None, merge=True)
            if len(result.rejections) > before:
                continue
        elif team and cell.get("team_manager_email"):
            result.rejections.append(Rejection(where, team, "team_manager_email needs the team's service_area too"))
            continue
        _person(
            result,
            where,
            email=cell.get("email"),
            name=cell.get("display_name"),
            aad_object_id=cell.get("aad_object_id") or None,
            team=team,
            roles=_split(cell.get("roles", "")),
            senior_manager_of=_split(cell.get("senior_manager_of", "")),
        )
    return result


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# -- shared ------------------------------------------------------------------------------------


def _team(result: OrganisationFile, where: str, name: Any, area: Any, manager: Any, *, merge: bool = False) -> None:
    """Add a team entry; in CSV the same team appears on many rows and must agree with itself."""
    if not isinstance(name, str) or not name.strip():
        result.rejections.append(Rejection(where, "", "a team needs a name"))
        return
    if len(name.strip()) > MAX_NAME or (isinstance(area, str) and len(area.strip()) > MAX_NAME):
        result.rejections.append(Rejection(where, name[:40], f"team or area name is longer than {MAX_NAME} characters"))
        return
    result.mentioned_teams.add(name_key(name))
    if not isinstance(area, str) or not area.strip():
        result.rejections.append(Rejection(where, name, "a team needs a service_area"))
        return
    manager_email = normalise_email(manager) if isinstance(manager, str) and manager.strip() else None
    if manager_email and not EMAIL.match(manager_email):
        result.rejections.append(Rejection(where, name, f"malformed manager e-mail '{manager}'"))
        return
    result.mentioned_areas.add(name_key(area))
    existing = next((t for t in result.teams if name_key(t.name) == name_key(name)), None)
    if existing is None:
        if merge and not any(name_key(a.name) == name_key(area) for a in result.areas):
            result.areas.append(AreaEntry(area.strip(), where))
        result.teams.append(TeamEntry(name.strip(), area.strip(), manager_email, where))
        return
    if not merge:
        result.rejections.append(Rejection(where, name, f"duplicate team, already at {existing.where}"))
    elif name_key(existing.service_area) != name_key(area):
        result.rejections.append(
            Rejection(where, name, f"team is in '{existing.service_area}' at {existing.where}, not '{area}'")
        )
    elif manager_email and existing.manager_email and manager_email != existing.manager_email:
        result.rejections.append(
            Rejection(
                where, name, f"team's manager is {existing.manager_email} at {existing.where}, not {manager_email}"
            )
        )
    elif manager_email:
        existing.manager_email = manager_email


def _person(
    result: OrganisationFile,
    where: str,
    *,
    email: Any,
    name: Any,
    aad_object_id: Any,
    team: Any,
    roles: Any,
    senior_manager_of: Any,
) -> None:
    raw_email = email if isinstance(email, str) else ""
    normalised = normalise_email(raw_email)
    if normalised:
        result.mentioned_emails.add(normalised)
    subject = normalised or str(name or "")

    def reject(reason: str) -> None:
        result.rejections.append(Rejection(where, subject, reason))

    if not normalised:
        return reject("missing e-mail")
    if not EMAIL.match(normalised) or len(normalised) > MAX_EMAIL:
        return reject(f"malformed e-mail '{raw_email.strip()}'")
    if isinstance(roles, str):
        roles = _split(roles.replace(",", ";"))
    if isinstance(senior_manager_of, str):
        senior_manager_of = [senior_manager_of]
    if not isinstance(roles, list) or not isinstance(senior_manager_of, list):
        return reject("roles and senior_manager_of must be lists")
    parsed_roles = set()
    for role_text in roles:
        role = parse_role(str(role_text))
        if role is None:
            return reject(f"unknown role '{role_text}' (roles are: {ROLE_LIST})")
        parsed_roles.add(role)
    areas = tuple(str(area).strip() for area in senior_manager_of if str(area).strip())
    for area_role in sorted(parsed_roles & AREA_ROLES):
        if not areas:
            title = area_role.value.replace("_", " ")
            return reject(f"a {title} needs senior_manager_of: the service area(s) they lead")
    if areas and not parsed_roles & AREA_ROLES:
        parsed_roles.add(Role.SENIOR_MANAGER)
    aad = str(aad_object_id).strip() if aad_object_id not in (None, "") else None
    if aad and len(aad) > 64:
        return reject("aad_object_id is longer than 64 characters")
    display_name = str(name).strip() if name not in (None, "") else ""
    if len(display_name) > MAX_NAME:
        return reject(f"name is longer than {MAX_NAME} characters")
    team_name = str(team).strip() if team not in (None, "") else None
    result.people.append(PersonEntry(normalised, display_name, aad, team_name, frozenset(parsed_roles), areas, where))
