"""The senior leadership performance clinic through the whole app: ``clinic service`` for the
Service Director (and the refusal a practitioner gets), a service-level action agreed on the card
(a refused form comes back with what was typed), its workbook downloaded, and the reminder job sending the service pack
once to each senior leader when the QA calendar's clinic comes due."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from cards import verbs
from qop.app import SERVICES_KEY
from services.clock import FrozenClock
from services.container import Services
from services.reminder_job import run_reminders
from storage.models import Action, Person
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import card_to, cards_to
from tests.support import activities as a
from tests.support.audits import card_text
from tests.support.cards import button_data
from tests.support.delivery import eventually
from tests.support.organisation import SMALL_ORGANISATION, write

LEADERS = """
  - {email: margo.lyle@northshire.example, name: Margo Lyle, roles: [service director]}
  - {email: pat.nguyen@northshire.example, name: Pat Nguyen, roles: [performance analyst]}
"""
SAM = (1, "Sam Okafor", "sam.okafor@northshire.example")
HELEN = (5, "Helen Carrow", "helen.carrow@northshire.example")
MARGO = (6, "Margo Lyle", "margo.lyle@northshire.example")
PAT = (7, "Pat Nguyen", "pat.nguyen@northshire.example")
SERVICE_PACK = "Agree service-level actions at the clinic"
"""Words only the service pack card has (the calendar's own reminder names the clinic too)."""


async def _say(harness: BotHarness, who: tuple[int, str, str], text: str) -> dict[str, Any]:
    number, name, email = who
    chat = f"a:personal-{number}"
    before = len(harness.connector.in_conversation(chat))
    sender = a.user(number, name=name, email=email)
    await harness.send(a.message(harness.service_url, text, conversation=a.personal_chat(number), sender=sender))
    [reply] = harness.connector.in_conversation(chat)[before:]
    return reply.cards[0] if reply.cards else {"text": reply.text}


async def _press(
    harness: BotHarness, who: tuple[int, str, str], data: dict[str, Any], verb: str = verbs.CLINIC_SERVICE_AGREE
) -> dict[str, Any]:
    number, name, email = who
    activity = a.card_action(
        harness.service_url,
        verb,
        data,
        conversation=a.personal_chat(number),
        sender=a.user(number, name=name, email=email),
    )
    body = await harness.send(activity)
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


async def test_the_director_holds_the_senior_leadership_clinic_and_leaders_get_its_pack_when_due(
    harness: BotHarness, services: Services, sessions, clock: FrozenClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    organisation = write(tmp_path, SMALL_ORGANISATION.rstrip() + LEADERS)
    assert (await services.organisation.import_file(organisation)).rejections == []
    for who in (SAM, HELEN, MARGO, PAT):
        await _say(harness, who, "help")  # each talks to qop once, so qop knows their chat

    refused = await _say(harness, SAM, "clinic service")
    assert "senior leadership performance clinic pack is for the Service Director" in json.dumps(refused)

    pack = await _say(harness, MARGO, "clinic  Service")
    assert "Senior leadership performance clinic" in card_text(pack)
    assert "No measures file has been loaded yet" in card_text(pack)
    agree = button_data(pack, verbs.CLINIC_SERVICE_AGREE)
    async with sessions() as session:
        helen = await session.scalar(select(Person).where(Person.email == HELEN[2]))

    blank = await _press(
        harness, MARGO, {**agree, "description": " ", "owner_id": str(helen.id), "due_date": "2026-02-20"}
    )
    assert "Please add" in card_text(blank) and "2026-02-20" in json.dumps(blank), "what was typed comes back"
    stale = await _press(harness, MARGO, {**agree, "clinic_id": "999999", "description": "x", "due_date": "soon"})
    assert "This senior leadership clinic pack is out of date" in card_text(stale)
    crafted = await _press(harness, MARGO, {"description": "x"})
    assert "out of date" in card_text(crafted), "no pack named: a friendly card, never a 500"
    saved = await _press(
        harness,
        MARGO,
        {**agree, "description": "Review assessment capacity", "owner_id": str(helen.id), "due_date": "2026-02-20"},
    )
    assert "Action agreed and saved" in card_text(saved) and "Agreed at this clinic" in card_text(saved)
    async with sessions() as session:
        [action] = list(await session.scalars(select(Action)))
    assert (action.source, action.source_ref, action.owner_id) == (
        "senior_leadership_clinic",
        f"service-clinic:{agree['clinic_id']}",
        helen.id,
    )

    with_link = await _press(
        harness, MARGO, button_data(pack, verbs.CLINIC_SERVICE_WORKBOOK), verbs.CLINIC_SERVICE_WORKBOOK
    )
    url = next(x["url"] for x in with_link["actions"] if x["type"] == "Action.OpenUrl")
    assert "/reports/service-clinic.xlsx?t=" in url
    download = await harness.client.get("/reports/service-clinic.xlsx?" + url.split("?", 1)[1])
    assert download.status == 200 and download.headers["Cache-Control"] == "no-store"
    book = load_workbook(BytesIO(await download.read()))
    assert [r[0] for r in book["Agreed at this clinic"].iter_rows(min_row=4, values_only=True)] == [
        "Review assessment capacity"
    ]
    forged = await harness.client.get("/reports/service-clinic.xlsx?t=" + url.split("t=", 1)[1][:-2] + "00")
    assert forged.status == 403 and "Download XLSX" in await forged.text()

    # A week before the 22nd: the reminder job sends the pack to each senior leader, once.
    def packs_to(who: tuple[int, str, str]) -> int:
        return len([c for c in cards_to(harness, who[0]) if SERVICE_PACK in card_text(c)])

    before = {who: packs_to(who) for who in (SAM, HELEN, MARGO, PAT)}
    clock.set(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    app_services = harness.client.app[SERVICES_KEY]
    await run_reminders(app_services)
    for leader in (HELEN, PAT):
        sent = await card_to(harness, leader[0], SERVICE_PACK)
        assert "Review assessment capacity" in card_text(sent)

    async def director_has_it() -> bool:
        return packs_to(MARGO) == before[MARGO] + 1

    await eventually(director_has_it, what="the pack to reach the director")
    await run_reminders(app_services)
    assert {who: packs_to(who) - before[who] for who in before} == {SAM: 0, HELEN: 1, MARGO: 1, PAT: 1}
