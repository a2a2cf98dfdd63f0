"""The organisation through the whole app: matching Teams users, whoami, channel links,
the administrator's roles card and the playground's demo roles."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from cards import verbs
from services.container import Services
from storage.models import AccessLogEntry, Conversation, Person, Team
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.organisation import DEMO_FILE, SMALL_ORGANISATION, write

SAM = a.user(1, name="Sam Okafor")  # matched by the AAD object id in SMALL_ORGANISATION
DANA = a.user(3, name="Dana Marsh", email="dana.marsh@northshire.example")
HELEN = a.user(4, name="Helen Carrow", email="helen.carrow@northshire.example")
ADA = a.user(5, name="Ada Admin", email="ada.admin@northshire.example")
ALEX = {"id": "user-id-0", "name": "Alex Wilber", "aadObjectId": "00000000-0000-0000-0000-0000000000020"}


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(message.cards[0], ensure_ascii=False) if message.cards else message.text


async def _say(harness: BotHarness, text: str, sender: dict, conversation: dict | None = None) -> str:  # type: ignore[type-arg]
    before = len(harness.connector.messages)
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=conversation))
    [reply] = harness.connector.messages[before:]
    return _text(reply)


async def _import_small(services: Services, tmp_path: Path) -> None:
    report = await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))
    assert report.rejections == []


async def test_whoami_says_clearly_when_someone_is_not_matched_then_shows_them_once_imported(  # type: ignore[no-untyped-def]
    harness: BotHarness, services: Services, tmp_path: Path
) -> None:
    before = await _say(harness, "whoami", SAM)
    assert "not matched to the organisation yet" in before
    assert "00000000-0000-4000-8000-000000000001" in before, "the AAD id the administrator needs"

    await _import_small(services, tmp_path)
    after = await _say(harness, "whoami", SAM)

    assert "Riverside Locality Team" in after and "Locality social work" in after
    assert "Dana Marsh" in after and "practitioner" in after and "not matched" not in after


async def test_a_teams_user_is_matched_by_the_email_teams_gives_for_them(  # type: ignore[no-untyped-def]
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:
    await _import_small(services, tmp_path)
    jo = a.user(2, name="Jo P")  # her AAD id is not in the file, and messages carry no e-mail
    harness.connector.members[jo["id"]] = {"id": jo["id"], "name": "Jo P", "email": "Jo.Pritchard@northshire.example"}

    reply = await _say(harness, "whoami", jo)

    assert "Jo Pritchard" in reply and "moderator" in reply
    async with sessions() as session:
        people = list(await session.scalars(select(Person).where(Person.email.like("jo.%"))))
    assert [(p.teams_user_id, p.aad_object_id, p.in_organisation) for p in people] == [
        (jo["id"], jo["aadObjectId"], True)
    ]


async def test_unmatched_people_can_still_ask_for_help(harness: BotHarness) -> None:
    reply = await _say(harness, "help", a.user(9))
    assert "What I can do" in reply and "whoami" in reply


async def test_channel_links_are_set_by_the_teams_manager_and_shown_to_anyone(  # type: ignore[no-untyped-def]
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:
    await _import_small(services, tmp_path)
    general = a.channel()
    await harness.send(a.installation(harness.service_url, conversation=general, sender=DANA))

    assert "not linked to a team yet" in await _say(harness, "link", SAM, general)
    refused = await _say(harness, "link team Riverside", SAM, general)
    assert "Only an administrator, the team's manager or a senior manager" in refused
    assert "Only an administrator" in await _say(harness, "link team Children in Care Team", DANA, general)
    assert "There is no team called 'Atlantis'. Known: Children in Care Team, Riverside" in await _say(
        harness, "link team Atlantis", DANA, general
    )

    linked = await _say(harness, "link team riverside", DANA, general)
    assert "now belongs to the Riverside Locality Team (Locality social work)" in linked
    shown = await _say(harness, "link", SAM, general)
    assert "belongs to the Riverside Locality Team" in shown and "Dana Marsh" in shown

    async with sessions() as session:
        channel = await session.scalar(select(Conversation).where(Conversation.kind == "channel"))
        riverside = await session.scalar(select(Team).where(Team.name == "Riverside Locality Team"))
        logged = await session.scalar(select(AccessLogEntry).where(AccessLogEntry.action == "link"))
    assert channel.linked_team_id == riverside.id and channel.linked_service_area_id is None
    assert logged.record_id == str(channel.id) and logged.actor_id == channel.linked_by_id

    area = await _say(harness, "link area locality social", HELEN, general)
    assert "now belongs to the Locality social work service area" in area


async def test_link_is_a_channel_command(harness: BotHarness) -> None:
    reply = await _say(harness, "link team Riverside", SAM)
    assert "didn't understand" in reply


async def test_administrators_change_roles_from_a_card_and_the_access_log_says_who(  # type: ignore[no-untyped-def]
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:
    await _import_small(services, tmp_path)
    card = await _say(harness, "admin roles", ADA)
    assert "Give or take away someone's role" in card and verbs.ORG_ROLE_ADD in card

    answer = await harness.send(
        a.card_action(
            harness.service_url,
            verbs.ORG_ROLE_ADD,
            {"email": "sam.okafor@northshire.example", "role": "moderator"},
            sender=ADA,
        )
    )
    shown = json.dumps(answer["value"])
    assert "Sam Okafor is now moderator." in shown and "moderator, practitioner" in shown

    typo = await harness.send(
        a.card_action(
            harness.service_url, verbs.ORG_ROLE_ADD, {"email": "sam@nowhere", "role": "moderator"}, sender=ADA
        )
    )
    assert "Nobody with the e-mail 'sam@nowhere'" in json.dumps(typo["value"]), "the same card, with the problem"
    assert "sam@nowhere" in json.dumps(typo["value"]["body"]), "what was typed stays"

    async with sessions() as session:
        ada = await session.scalar(select(Person).where(Person.email == "ada.admin@northshire.example"))
        [entry] = await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "role added"))
    assert entry.actor_id == ada.id and entry.detail == {"role": "moderator"}

    assert "Only an administrator can change" in await _say(harness, "admin roles", SAM)
    refused = await harness.send(
        a.card_action(
            harness.service_url,
            verbs.ORG_ROLE_ADD,
            {"email": "sam.okafor@northshire.example", "role": "QA lead"},
            sender=SAM,
        )
    )
    assert "Only an administrator can change" in json.dumps(refused["value"])


async def test_the_playground_user_switches_demo_role(harness: BotHarness, services: Services) -> None:
    await services.demo.load()
    assert "Riverside Locality Team" in await _say(harness, "whoami", ALEX)

    manager = await _say(harness, "demo role manager", ALEX)
    assert "Demo role: team manager" in manager and "You now manage Riverside Locality Team" in manager
    assert "team manager (Riverside Locality Team)" in await _say(harness, "whoami", ALEX)

    assert "Demo role: QA lead" in await _say(harness, "demo role qa lead", ALEX)
    back = await _say(harness, "whoami", ALEX)
    assert "QA lead" in back and "Megan Bowen" in back, "Megan manages the team again"

    assert "one of: practitioner" in await _say(harness, "demo role wizard", ALEX)
    await services.demo.load()
    assert "practitioner" in await _say(harness, "whoami", ALEX), "reloading the demo restores the default role"


async def test_the_demo_file_is_valid_and_maps_every_playground_user(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    report = await services.organisation.import_file(DEMO_FILE)
    assert report.rejections == []
    async with sessions() as session:
        aad_ids = set(await session.scalars(select(Person.aad_object_id).where(Person.aad_object_id.is_not(None))))
    assert aad_ids == {f"00000000-0000-0000-0000-00000000000{n}" for n in range(20, 26)}


async def test_people_seen_in_a_team_roster_are_matched_without_a_duplicate(  # type: ignore[no-untyped-def]
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:
    await harness.send(a.members_added(harness.service_url, [SAM], conversation=a.channel()))
    await _import_small(services, tmp_path)
    await harness.send(a.members_added(harness.service_url, [SAM, a.user(8, name="Guest")], conversation=a.channel()))

    async with sessions() as session:
        people = {
            p.teams_user_id: p for p in await session.scalars(select(Person).where(Person.teams_user_id.is_not(None)))
        }
    assert set(people) == {SAM["id"], "29:user-8"}
    assert people[SAM["id"]].email == "sam.okafor@northshire.example" and people[SAM["id"]].in_organisation
    assert not people["29:user-8"].in_organisation
    assert [p.display_name for p in await services.organisation.unmatched()] == ["Guest"]
