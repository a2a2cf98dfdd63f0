"""Changing roles (command line and Teams), listing unmatched people, and the CLI itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from qop.cli import cli
from services.container import Services
from services.errors import InvalidInput, NotAllowed, NotFound
from services.teams_data import ConversationInfo, TeamsUser
from storage.models import AccessLogEntry, Conversation, Person
from tests.support.organisation import SMALL_ORGANISATION, write

SAM = "sam.okafor@northshire.example"


async def test_the_command_line_adds_and_removes_roles_and_logs_the_os_user(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))

    added = await services.organisation.change_role(
        actor=None, email=SAM.upper(), role="senior manager", add=True, area="children in care"
    )
    assert added.message == "Sam Okafor is now senior manager (Children in Care)."
    again = await services.organisation.change_role(
        actor=None, email=SAM, role="senior_manager", add=True, area="Children in Care"
    )
    assert not again.changed and "nothing changed" in again.message
    removed = await services.organisation.change_role(actor=None, email=SAM, role="practitioner", add=False)
    assert [(r.role, r.scope) for r in removed.person.roles] == [("senior manager", "Children in Care")]

    async with sessions() as session:
        entries = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "person")))
    assert [(e.action, e.actor_id, e.detail["via"], e.detail["role"]) for e in entries] == [
        ("role added", None, "command line", "senior_manager"),
        ("role removed", None, "command line", "practitioner"),
    ]
    assert all(e.detail["os_user"] for e in entries)


async def test_team_manager_is_changed_through_the_team(services: Services, tmp_path: Path) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))

    made = await services.organisation.change_role(
        actor=None, email=SAM, role="team manager", add=True, team="Children in Care Team"
    )
    assert ("team manager", "Children in Care Team") in [(r.role, r.scope) for r in made.person.roles]
    with pytest.raises(InvalidInput, match="which team"):
        await services.organisation.change_role(actor=None, email=SAM, role="team manager", add=True)
    unmade = await services.organisation.change_role(actor=None, email=SAM, role="team manager", add=False)
    assert "no longer team manager (Children in Care Team)" in unmade.message


@pytest.mark.parametrize(
    ("email", "role", "area", "error", "message"),
    [
        (SAM, "wizard", None, InvalidInput, "'wizard' is not a role"),
        ("nobody@northshire.example", "moderator", None, NotFound, "Nobody with the e-mail"),
        (SAM, "senior manager", None, InvalidInput, "needs the service area"),
        (SAM, "senior manager", "Atlantis", NotFound, "no service area called 'Atlantis'"),
        ("ada.admin@northshire.example", "administrator", None, None, None),
    ],
)
async def test_bad_role_changes_are_refused_with_a_reason(  # type: ignore[no-untyped-def]
    services: Services, tmp_path: Path, email, role, area, error, message
) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    if error is None:  # removing the only administrator
        with pytest.raises(NotAllowed, match="without an administrator"):
            await services.organisation.change_role(actor=None, email=email, role=role, add=False)
        return
    with pytest.raises(error, match=message):
        await services.organisation.change_role(actor=None, email=email, role=role, add=True, area=area)


async def test_only_administrators_change_roles_from_teams(services: Services, tmp_path: Path) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    chat = ConversationInfo("a:personal-1", "personal", "https://smba.example/", "28:bot")
    sam = TeamsUser("29:sam", "Sam", aad_object_id="00000000-0000-4000-8000-000000000001")
    ada = TeamsUser("29:ada", "Ada", email="ada.admin@northshire.example")
    await services.conversations.record_seen(chat, sam)
    await services.conversations.record_seen(chat, ada)

    with pytest.raises(NotAllowed, match="Only an administrator"):
        await services.organisation.change_role(actor=sam, email=SAM, role="QA lead", add=True)
    change = await services.organisation.change_role(actor=ada, email=SAM, role="QA lead", add=True)
    assert change.changed


async def test_unmatched_lists_teams_users_the_file_does_not_describe(services: Services, tmp_path: Path) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    chat = ConversationInfo("a:personal-1", "personal", "https://smba.example/", "28:bot")
    await services.conversations.record_seen(
        chat, TeamsUser("29:sam", "Sam", aad_object_id="00000000-0000-4000-8000-000000000001")
    )
    await services.conversations.record_member(TeamsUser("29:visitor", "Vic Visitor", aad_object_id="aad-visitor"))

    unmatched = await services.organisation.unmatched()

    assert [(p.display_name, p.aad_object_id) for p in unmatched] == [("Vic Visitor", "aad-visitor")]


def test_the_cli_imports_reports_and_changes_roles(database_url: str, engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    path = write(tmp_path, SMALL_ORGANISATION)

    dry = runner.invoke(cli, ["org", "import", "--dry-run", str(path)], env={"COLUMNS": "160"})
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written" in dry.output and "sam.okafor@northshire.example" in dry.output

    real = runner.invoke(cli, ["org", "import", str(path)], env={"COLUMNS": "160"})
    assert real.exit_code == 0 and "Imported" in real.output
    again = runner.invoke(cli, ["org", "import", str(path)], env={"COLUMNS": "160"})
    assert "0 changes: the database already matches the file." in again.output

    bad = write(tmp_path, "people:\n  - {email: x@northshire.example, team: Nowhere}\n", "bad.yaml")
    rejected = runner.invoke(cli, ["org", "import", "--partial", str(bad)], env={"COLUMNS": "160"})
    assert rejected.exit_code == 1 and "unknown team 'Nowhere'" in rejected.output and "people[0]" in rejected.output

    role = runner.invoke(cli, ["org", "role", "add", SAM, "qa lead"])
    assert role.exit_code == 0 and "Sam Okafor is now QA lead." in role.output
    refused = runner.invoke(cli, ["org", "role", "add", SAM, "wizard"])
    assert refused.exit_code == 2 and "'wizard' is not a role" in refused.output

    assert "Everyone qop has met in Teams is matched" in runner.invoke(cli, ["org", "unmatched"]).output

    shown = runner.invoke(cli, ["org", "show"], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert "Riverside Locality Team" in shown.output and "Dana Marsh" in shown.output
    assert "People: 7 active, 0 deactivated." in shown.output
    assert "QA lead 2" in shown.output and "team manager 2" in shown.output


def test_demo_load_is_idempotent(database_url: str, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "load"], env={"COLUMNS": "160"})
    second = runner.invoke(cli, ["demo", "load"], env={"COLUMNS": "160"})
    assert first.exit_code == 0 and "29 people, 42 change(s)" in first.output
    assert second.exit_code == 0 and "29 people, 0 change(s)" in second.output
    assert "Demo practice days: 2 added" in first.output and "Demo practice days: 0 added" in second.output
    assert "Demo measures: deploy/demo/measures.yaml in force, 84 figures for 6 teams" in first.output
    assert "Demo measures: already in force" in second.output


async def test_a_person_seen_in_teams_keeps_what_they_did_when_merged(
    services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    chat = ConversationInfo("a:personal-7", "personal", "https://smba.example/", "28:bot")
    early = await services.conversations.record_seen(chat, TeamsUser("29:jo", "Jo", aad_object_id="aad-jo"))
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    # Jo (no AAD id in the file) now shows up with the e-mail Teams gives: one person remains.
    await services.conversations.record_seen(
        chat, TeamsUser("29:jo", "Jo", aad_object_id="aad-jo", email="jo.pritchard@northshire.example")
    )

    async with sessions() as session:
        jo = await session.scalar(select(Person).where(Person.teams_user_id == "29:jo"))
        assert await session.get(Person, early.id) is None or jo.id == early.id
        chat_row = await session.scalar(select(Conversation).where(Conversation.conversation_id == "a:personal-7"))
    assert jo.email == "jo.pritchard@northshire.example" and jo.in_organisation and jo.aad_object_id == "aad-jo"
    assert chat_row.person_id == jo.id, "the personal chat follows the merged person"


@pytest.mark.parametrize(
    ("written", "label", "area"),
    [
        ("Service Director", "service director", None),
        ("head of service", "head of service", "Children in Care"),
        ("QA head of service", "QA head of service", None),
        ("PSW", "principal social worker", None),
        ("IRO/CP chair manager", "IRO manager", None),
        ("practice-champion", "practice champion", None),
        ("performance_analyst", "performance analyst", None),
        ("client relations", "client relations", None),
    ],
)
async def test_the_framework_roles_are_added_from_the_command_line(  # type: ignore[no-untyped-def]
    services: Services, tmp_path: Path, written: str, label: str, area: str | None
) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    added = await services.organisation.change_role(actor=None, email=SAM, role=written, add=True, area=area)
    assert (label, area) in [(r.role, r.scope) for r in added.person.roles]
    removed = await services.organisation.change_role(actor=None, email=SAM, role=written, add=False, area=area)
    assert label not in [r.role for r in removed.person.roles]


async def test_a_head_of_service_needs_the_area_they_lead(services: Services, tmp_path: Path) -> None:
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    with pytest.raises(InvalidInput, match="head of service role needs the service area"):
        await services.organisation.change_role(actor=None, email=SAM, role="head of service", add=True)


async def test_the_organisation_file_gives_heads_of_service_their_areas(  # type: ignore[no-untyped-def]
    services: Services, sessions, tmp_path: Path
) -> None:
    from services import actors

    organisation = SMALL_ORGANISATION.replace(
        "people:\n",
        "people:\n"
        "  - {email: hos@northshire.example, name: Hana Osei, roles: [head of service],"
        " senior_manager_of: [Children in Care]}\n"
        "  - {email: director@northshire.example, name: Dev Rao, roles: [service director]}\n",
        1,
    )
    report = await services.organisation.import_file(write(tmp_path, organisation))
    assert not report.rejections
    async with sessions() as session:
        hos = await session.scalar(select(Person).where(Person.email == "hos@northshire.example"))
        actor = await actors.actor_for(session, hos)
        director = await actors.actor_for(
            session, await session.scalar(select(Person).where(Person.email == "director@northshire.example"))
        )
    assert [r.value for r in actor.roles] == ["head_of_service"]  # not made a senior manager as well
    assert actor.senior_area_ids and actor.leads_areas
    assert [r.value for r in director.roles] == ["service_director"] and not director.senior_area_ids


def test_the_admin_card_offers_every_role() -> None:
    from cards.organisation import ROLE_CHOICES
    from services.organisation.service import ROLE_LABELS

    assert set(ROLE_CHOICES) == set(ROLE_LABELS.values())


def test_every_role_has_a_demo_hint() -> None:
    from cards.text_organisation import DEMO_HINTS
    from services.organisation.service import ROLE_LABELS

    assert set(DEMO_HINTS) == set(ROLE_LABELS.values())
