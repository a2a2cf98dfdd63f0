"""The performance clinic pack through the whole app: the command, agreeing an action on the card
(a refused form comes back with what was typed), the workbook link and its download."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from cards import verbs
from services.container import Services
from storage.models import Action, Person
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.cards import button_data
from tests.support.organisation import SMALL_ORGANISATION, write

SAM = a.user(1, name="Sam Okafor", email="sam.okafor@northshire.example")
DANA = a.user(3, name="Dana Marsh", email="dana.marsh@northshire.example")


async def _card(harness: BotHarness, text: str, sender: dict) -> dict:  # type: ignore[type-arg]
    before = len(harness.connector.messages)
    await harness.send(a.message(harness.service_url, text, sender=sender))
    [reply] = harness.connector.messages[before:]
    return reply.cards[0] if reply.cards else {"text": reply.text}


async def _press(harness: BotHarness, verb: str, data: dict, sender: dict) -> dict:  # type: ignore[type-arg]
    body = await harness.send(a.card_action(harness.service_url, verb, data, sender=sender))
    return body["value"]


async def test_a_team_manager_holds_a_clinic_from_the_card_and_downloads_its_workbook(
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    await _card(harness, "help", SAM)  # Sam talks to qop once, so qop knows his Teams id
    refused = await _card(harness, "clinic Riverside Locality Team", SAM)
    assert "performance clinic pack is for its manager" in json.dumps(refused)

    pack = await _card(harness, "clinic", DANA)
    assert "Performance clinic: Riverside Locality Team" in json.dumps(pack)
    assert "No measures file has been loaded yet" in json.dumps(pack)
    agree = button_data(pack, verbs.CLINIC_AGREE)
    async with sessions() as session:
        sam = await session.scalar(select(Person).where(Person.email == "sam.okafor@northshire.example"))

    blank = await _press(
        harness,
        verbs.CLINIC_AGREE,
        {**agree, "description": " ", "owner_id": str(sam.id), "due_date": "2026-02-13"},
        DANA,
    )
    assert blank["type"] == "AdaptiveCard"
    refused_form = json.dumps(blank)
    assert "Please add" in refused_form and "2026-02-13" in refused_form, "what was typed comes back"

    saved = await _press(
        harness,
        verbs.CLINIC_AGREE,
        {**agree, "description": "Audit three assessments a week", "owner_id": str(sam.id), "due_date": "2026-02-13"},
        DANA,
    )
    assert "Action agreed and saved" in json.dumps(saved)
    async with sessions() as session:
        [action] = list(await session.scalars(select(Action)))
    assert (action.source, action.source_ref, action.owner_id) == (
        "performance_clinic",
        f"clinic:{agree['clinic_id']}",
        sam.id,
    )

    with_link = await _press(harness, verbs.CLINIC_WORKBOOK, button_data(pack, verbs.CLINIC_WORKBOOK), DANA)
    url = next(x["url"] for x in with_link["actions"] if x["type"] == "Action.OpenUrl")
    download = await harness.client.get("/reports/clinic.xlsx?" + url.split("?", 1)[1])
    assert download.status == 200 and download.headers["Cache-Control"] == "no-store"
    book = load_workbook(BytesIO(await download.read()))
    actions = [r[0] for r in book["Open actions"].iter_rows(min_row=4, values_only=True)]
    assert actions == ["Audit three assessments a week"]
    forged = await harness.client.get("/reports/clinic.xlsx?t=" + url.split("t=", 1)[1][:-2] + "00")
    assert forged.status == 403 and "Download XLSX" in await forged.text()
