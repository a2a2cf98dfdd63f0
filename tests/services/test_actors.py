"""Loading an Actor from the database, and the access log helper every feature writes through."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from services import access_log, actors, policy
from services.container import Services
from storage.models import AccessLogEntry, Person, Role, Team
from tests.support.organisation import SMALL_ORGANISATION, write


async def _actor(sessions, email: str) -> actors.Actor:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        return await actors.load_for_person(session, person.id)


async def test_actors_carry_roles_team_and_what_they_answer_for(services: Services, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    async with sessions() as session:
        riverside = await session.scalar(select(Team).where(Team.name == "Riverside Locality Team"))

    dana = await _actor(sessions, "dana.marsh@northshire.example")
    helen = await _actor(sessions, "helen.carrow@northshire.example")
    sam = await _actor(sessions, "sam.okafor@northshire.example")

    assert dana.roles == {Role.TEAM_MANAGER} and dana.managed_team_ids == {riverside.id}
    assert dana.team_name == "Riverside Locality Team"
    assert helen.roles == {Role.SENIOR_MANAGER} and riverside.id in helen.area_team_ids
    assert sam.roles == {Role.PRACTITIONER} and sam.is_member
    sams_audit = policy.audit(practitioner_id=sam.person_id, auditor_ids=[], team_id=riverside.id)
    assert policy.allows(dana, policy.Permission.VIEW, sams_audit)
    assert not policy.allows(helen, policy.Permission.VIEW, sams_audit)


async def test_an_unknown_teams_user_is_nobody(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        assert await actors.load_for_teams_user(session, "29:never-seen") == actors.NOBODY


async def test_access_log_records_who_did_what(services: Services, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    quinn = await _actor(sessions, "quinn.hale@northshire.example")

    async with sessions() as session, session.begin():
        await access_log.record(session, quinn, access_log.VIEW, "audit", 42, {"section": "planning"})
        await access_log.record(session, None, access_log.EXPORT, "report", None, summary="quarterly QIM pack")

    async with sessions() as session:
        entries = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action != "import")))
    assert [(e.actor_id, e.action, e.record_type, e.record_id, e.detail) for e in entries] == [
        (quinn.person_id, "view", "audit", "42", {"section": "planning"}),
        (None, "export", "report", None, {}),
    ]
