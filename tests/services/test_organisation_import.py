"""Importing the organisation from YAML and CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.clock import FrozenClock
from services.container import Services
from services.errors import InvalidInput
from services.organisation import Change, Entity, UnreadableFile
from services.organisation.source import ROLE_LIST
from services.teams_data import ConversationInfo, TeamsUser
from storage.models import AccessLogEntry, Person, RoleAssignment, ServiceArea, Team
from tests.support.organisation import DEMO_FILE, SMALL_ORGANISATION, write


async def _people(sessions) -> dict[str, Person]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return {p.email: p for p in await session.scalars(select(Person))}


async def _roles(sessions, email: str) -> set[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        rows = await session.execute(
            select(RoleAssignment.role, ServiceArea.name)
            .join(Person, Person.id == RoleAssignment.person_id)
            .outerjoin(ServiceArea, ServiceArea.id == RoleAssignment.service_area_id)
            .where(Person.email == email)
        )
        return set(rows)  # type: ignore[arg-type]


async def test_the_demo_file_creates_the_whole_organisation(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    report = await services.organisation.import_file(DEMO_FILE)

    assert report.rejections == []
    assert report.count(Entity.SERVICE_AREA, Change.CREATED) == 6
    assert report.count(Entity.TEAM, Change.CREATED) == 7
    assert report.count(Entity.PERSON, Change.CREATED) == 29
    people = await _people(sessions)
    alex = people["alexw@example.com"]
    assert alex.aad_object_id == "00000000-0000-0000-0000-0000000000020"
    assert alex.in_organisation and alex.active
    async with sessions() as session:
        riverside = await session.scalar(select(Team).where(Team.name == "Riverside Locality Team"))
        assert riverside.manager_id == people["meganb@example.com"].id
        assert alex.team_id == riverside.id
        logged = await session.scalar(select(AccessLogEntry).where(AccessLogEntry.action == "import"))
    assert logged.detail["counts"]["person"] == {"created": 29}
    assert await _roles(sessions, "helen.carrow@northshire.example") == {
        ("senior_manager", "Locality social work"),
        ("senior_manager", "Early Help"),
    }
    # The QIM: the framework's governance roles, the Heads of Service with the areas they lead.
    assert await _roles(sessions, "margaret.ellison@northshire.example") == {("service_director", None)}
    assert await _roles(sessions, "imran.qadir@northshire.example") == {
        ("head_of_service", "Children in Care"),
        ("head_of_service", "Permanence"),
        ("head_of_service", "Care Leavers"),
    }
    assert await _roles(sessions, "jo.pritchard@northshire.example") == {
        ("practitioner", None),
        ("practice_champion", None),
    }


async def test_importing_the_same_file_again_changes_nothing(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL_ORGANISATION)
    await services.organisation.import_file(path)

    again = await services.organisation.import_file(path)

    assert again.changed == [] and again.rejections == []
    assert again.count(Entity.PERSON, Change.UNCHANGED) == 7


async def test_changes_are_reported_field_by_field(services: Services, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    changed = SMALL_ORGANISATION.replace(
        "name: Sam Okafor, team: Riverside Locality Team, roles: [practitioner]",
        "name: Samuel Okafor, team: Children in Care Team, roles: [practitioner, moderator]",
    )
    changed = changed.replace("manager: eve.lund@northshire.example", "manager: dana.marsh@northshire.example")

    report = await services.organisation.import_file(write(tmp_path, changed))

    updated = {(c.entity, c.subject): c.fields for c in report.changed}
    assert updated == {
        (Entity.PERSON, "sam.okafor@northshire.example"): ["display_name", "team_id", "roles"],
        (Entity.TEAM, "Children in Care Team"): ["manager"],
    }
    assert await _roles(sessions, "sam.okafor@northshire.example") == {("practitioner", None), ("moderator", None)}


async def test_people_who_left_are_deactivated_never_deleted_and_can_return(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path, clock: FrozenClock
) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    without_jo = "\n".join(line for line in SMALL_ORGANISATION.splitlines() if "jo.pritchard" not in line)

    report = await services.organisation.import_file(write(tmp_path, without_jo))

    assert [(c.subject, c.change) for c in report.changed] == [("jo.pritchard@northshire.example", Change.DEACTIVATED)]
    jo = (await _people(sessions))["jo.pritchard@northshire.example"]
    assert not jo.active and jo.deactivated_at == clock.now()
    assert await _roles(sessions, "jo.pritchard@northshire.example")  # history kept

    back = await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    assert [(c.subject, c.change) for c in back.changed] == [("jo.pritchard@northshire.example", Change.UPDATED)]
    jo = (await _people(sessions))["jo.pritchard@northshire.example"]
    assert jo.active and jo.deactivated_at is None


async def test_a_partial_import_deactivates_nobody(services: Services, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    newcomer = (
        "people:\n  - {email: new.starter@northshire.example, team: Riverside Locality Team, roles: [practitioner]}\n"
    )

    report = await services.organisation.import_file(write(tmp_path, newcomer), full=False)

    assert [(c.subject, c.change) for c in report.changed] == [("new.starter@northshire.example", Change.CREATED)]
    assert all(p.active for p in (await _people(sessions)).values())


BAD_ENTRIES = """
service_areas: [Locality social work]
teams:
  - {name: Riverside Locality Team, service_area: Locality social work, manager: dana.marsh@northshire.example}
  - {name: Ghost Team, service_area: Locality social work, manager: someone@elsewhere.example}
  - {name: Lost Team, service_area: Atlantis}
  - {name: TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT, service_area: Locality social work}
people:
  - {email: dana.marsh@northshire.example, name: Dana Marsh, team: Riverside Locality Team, roles: [team manager]}
  - {email: sam.okafor@northshire.example, team: Riverside Locality Team, roles: [practitioner]}
  - {email: Sam.Okafor@Northshire.example, team: Riverside Locality Team, roles: [practitioner]}
  - {email: pat.unknown@northshire.example, team: Nowhere Team, roles: [practitioner]}
  - {email: lee.wizard@northshire.example, team: Riverside Locality Team, roles: [wizard]}
  - {name: No Address, team: Riverside Locality Team, roles: [practitioner]}
  - {email: not-an-address, team: Riverside Locality Team, roles: [practitioner]}
  - {email: ghost.member@northshire.example, team: Ghost Team, roles: [practitioner]}
  - {email: sen.ior@northshire.example, roles: [senior manager]}
  - {email: area.less@northshire.example, roles: [senior manager], senior_manager_of: [Atlantis]}
  - {email: self.styled@northshire.example, roles: [team manager]}
  - {email: twin.one@northshire.example, aad_object_id: aad-twin, roles: [practitioner]}
  - {email: twin.two@northshire.example, aad_object_id: aad-twin, roles: [practitioner]}
  - just a string
  - {email: long.name@northshire.example, name: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}
"""


async def test_bad_entries_are_rejected_one_by_one_and_the_good_ones_applied(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path
) -> None:
    report = await services.organisation.import_file(write(tmp_path, BAD_ENTRIES))

    assert [(r.where, r.reason) for r in report.rejections] == [
        ("teams[1]", "manager someone@elsewhere.example is not in the organisation"),
        ("teams[2]", "unknown service area 'Atlantis'"),
        ("teams[3]", "team or area name is longer than 200 characters"),
        ("people[2]", "duplicate e-mail, already at people[1]"),
        ("people[3]", "unknown team 'Nowhere Team'"),
        (
            "people[4]",
            f"unknown role 'wizard' (roles are: {ROLE_LIST})",
        ),
        ("people[5]", "missing e-mail"),
        ("people[6]", "malformed e-mail 'not-an-address'"),
        ("people[7]", "team 'Ghost Team' was rejected (see its own entry)"),
        ("people[8]", "a senior manager needs senior_manager_of: the service area(s) they lead"),
        ("people[9]", "unknown service area 'Atlantis'"),
        ("people[10]", "listed as team manager, but no team names them as its manager"),
        ("people[12]", "duplicate aad_object_id, already at people[11]"),
        ("people[13]", "a person needs at least an email"),
        ("people[14]", "name is longer than 200 characters"),
    ]
    assert set(await _people(sessions)) == {
        "dana.marsh@northshire.example",
        "sam.okafor@northshire.example",
        "twin.one@northshire.example",
    }


async def test_rejected_people_already_known_are_left_as_they_were(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    broken = SMALL_ORGANISATION.replace("roles: [practitioner, moderator]", "roles: [practitioner, wizard]")

    report = await services.organisation.import_file(write(tmp_path, broken))

    assert [r.subject for r in report.rejections] == ["jo.pritchard@northshire.example"]
    assert report.changed == []
    jo = (await _people(sessions))["jo.pritchard@northshire.example"]
    assert jo.active
    assert await _roles(sessions, "jo.pritchard@northshire.example") == {("practitioner", None), ("moderator", None)}


async def test_a_dry_run_reports_exactly_what_a_real_run_does_and_writes_nothing(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path
) -> None:
    path = write(tmp_path, BAD_ENTRIES)

    dry = await services.organisation.import_file(path, dry_run=True)
    assert dry.dry_run
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        assert await session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0

    real = await services.organisation.import_file(path)
    assert (dry.changes, dry.rejections) == (real.changes, real.rejections)


async def test_a_full_import_with_no_valid_people_refuses_to_deactivate_everyone(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path
) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))

    with pytest.raises(InvalidInput, match="deactivate everyone"):
        await services.organisation.import_file(write(tmp_path, "people:\n  - {name: Nobody}\n"))
    assert all(p.active for p in (await _people(sessions)).values())


CSV = """\
email,display_name,aad_object_id,team,service_area,team_manager_email,roles,senior_manager_of
dana.marsh@northshire.example,Dana Marsh,,Riverside Locality Team,Locality social work,dana.marsh@northshire.example,team manager,
sam.okafor@northshire.example,Sam Okafor,00000000-0000-4000-8000-000000000001,Riverside Locality Team,Locality social work,,practitioner,
eve.lund@northshire.example,Eve Lund,,Children in Care Team,Children in Care,eve.lund@northshire.example,team manager,
jo.pritchard@northshire.example,Jo Pritchard,,Riverside Locality Team,Locality social work,,practitioner;moderator,
quinn.hale@northshire.example,Quinn Hale,,,,,QA lead,
ada.admin@northshire.example,Ada Admin,,,,,administrator,
helen.carrow@northshire.example,Helen Carrow,,,,,senior manager,Locality social work
"""


async def test_the_csv_format_builds_the_same_organisation_as_yaml(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    report = await services.organisation.import_file(write(tmp_path, CSV, "organisation.csv"))
    assert report.rejections == []
    assert report.count(Entity.PERSON, Change.CREATED) == 7

    same = await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    assert same.changed == [], "the YAML describes the same organisation"


async def test_csv_rows_are_rejected_with_their_spreadsheet_row_number(services: Services, tmp_path: Path) -> None:
    bad = CSV + (
        "x@northshire.example,X,,Riverside Locality Team,Children in Care,,practitioner,\n"
        "y@northshire.example,Y,,Riverside Locality Team,Locality social work,quinn.hale@northshire.example,practitioner,\n"
        ",No Email,,,,,practitioner,\n"
    )
    report = await services.organisation.import_file(write(tmp_path, bad, "organisation.csv"))

    assert [(r.where, r.reason) for r in report.rejections] == [
        ("row 9", "team is in 'Locality social work' at row 2, not 'Children in Care'"),
        ("row 10", "team's manager is dana.marsh@northshire.example at row 2, not quinn.hale@northshire.example"),
        ("row 11", "missing e-mail"),
    ]
    assert report.count(Entity.PERSON, Change.CREATED) == 7


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("org.yaml", "people: [unclosed", "not valid YAML"),
        ("org.yaml", "- just a list", "must be a mapping"),
        ("org.yaml", "staff: []", "unknown section"),
        ("org.csv", "name,team\nA,B\n", "header row with at least 'email'"),
        ("org.csv", "email,shoe_size\na@b.example,9\n", r"unknown column\(s\) shoe_size"),
        ("org.txt", "", "use a .yaml"),
    ],
)
async def test_unreadable_files_are_refused_whole(
    services: Services, tmp_path: Path, name: str, text: str, reason: str
) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        await services.organisation.import_file(write(tmp_path, text, name))


async def test_a_teams_user_seen_before_the_import_becomes_the_organisation_person(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path
) -> None:
    chat = ConversationInfo("a:personal-1", "personal", "https://smba.example/", "28:bot")
    sam = TeamsUser("29:sam", "Sam O.", aad_object_id="00000000-0000-4000-8000-000000000001")
    seen = await services.conversations.record_seen(chat, sam)
    jo = await services.conversations.record_seen(
        chat, TeamsUser("29:jo", "Jo P", email="Jo.Pritchard@northshire.example")
    )

    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))

    people = await _people(sessions)
    assert len(people) == 7, "no duplicates"
    assert people["sam.okafor@northshire.example"].id == seen.id
    assert people["sam.okafor@northshire.example"].teams_user_id == "29:sam"
    assert people["jo.pritchard@northshire.example"].id == jo.id
    assert all(p.in_organisation for p in people.values())
