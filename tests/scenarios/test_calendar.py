"""The QA calendar through the whole app: the per-unit calendar, the record card, learning events."""

from __future__ import annotations

import json

import pytest

from cards import verbs
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import Org, make_org
from tests.support.cards import button_data, nodes

PRACTITIONER = a.user(1, name="Priya Shah")
MAYA = a.user(2, name="Maya Patel")
OMAR = a.user(4, name="Omar Hassan")
QUINN = a.user(6, name="Quinn Adams")


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions, teams_ids=True)


def _text(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


async def _invoke(harness: BotHarness, sender: dict, verb: str, data: dict, chat: int) -> dict:
    body = await harness.send(
        a.card_action(harness.service_url, verb, data, sender=sender, conversation=a.personal_chat(chat))
    )
    assert body["statusCode"] == 200
    return body["value"]


async def _command(harness: BotHarness, sender: dict, text: str, chat: int) -> dict:
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=a.personal_chat(chat)))
    return harness.connector.in_conversation(f"a:personal-{chat}")[-1].cards[0]


def _choices(card: dict, input_id: str) -> dict[str, str]:
    [choice_set] = [node for node in nodes(card) if node.get("id") == input_id]
    return {choice["title"]: choice["value"] for choice in choice_set["choices"]}


async def test_a_team_manager_records_their_supervision_with_findings_and_an_action(
    harness: BotHarness, org: Org
) -> None:
    calendar = await _command(harness, MAYA, "qa calendar", chat=2)
    assert "Maya Patel's supervision" in _text(calendar) and "Omar Hassan's supervision" not in _text(calendar)
    assert "Manager, Worker" in _text(calendar)  # the framework's responsibility from the calendar file
    pressed = {
        "verb": verbs.CALENDAR_HELD,
        "activity": "supervision",
        "unit": f"manager-{org.manager}",
        "due_on": "2026-01-12",
    }
    assert pressed in [node.get("data") for node in nodes(calendar)]  # this month's, due today

    form = await _invoke(harness, MAYA, verbs.CALENDAR_HELD, pressed, chat=2)
    assert "Record: Supervision" in _text(form)
    people = _choices(form, "attendees")
    assert {"Priya Shah", "Callum Reid", "Maya Patel"} <= set(people) and "Olivia Brown" not in people
    answers = {
        **button_data(form, verbs.CALENDAR_RECORD),
        "held_on": "2026-01-12",
        "attendees": f"{people['Priya Shah']},{people['Callum Reid']}",
        "findings": "Visits for CR-1042 are behind; call 07700 900123 back.",
        "action1_what": "Catch up the visits for CR-1042",
        "action1_owner": people["Priya Shah"],
        "action1_due": "2026-01-30",
    }
    refused = await _invoke(harness, MAYA, verbs.CALENDAR_RECORD, answers, chat=2)
    assert "phone number" in _text(refused) and "Catch up the visits for CR-1042" in _text(refused)  # kept

    answers["findings"] = "Visits for CR-1042 are behind; plans are clearer since mapping."
    recorded = await _invoke(harness, MAYA, verbs.CALENDAR_RECORD, answers, chat=2)
    text = _text(recorded)
    assert "Recorded: Supervision" in text and "Mon 12 Jan 2026" in text
    assert "Callum Reid, Priya Shah" in text and "Catch up the visits for CR-1042 \u2014 Priya Shah" in text

    again = await _invoke(harness, MAYA, verbs.CALENDAR_RECORD, answers, chat=2)
    assert "Already recorded: Supervision" in _text(again)
    mine = await _command(harness, PRACTITIONER, "my actions", chat=1)
    assert _text(mine).count("Catch up the visits for CR-1042") == 1

    # Omar's team still has its own supervision to record; Priya sees hers but cannot record it.
    omar = _text(await _command(harness, OMAR, "qa calendar", chat=4))
    assert f'"unit": "manager-{org.other_manager}"' in omar and "Maya Patel's supervision" not in omar
    practitioner = _text(await _command(harness, PRACTITIONER, "qa calendar", chat=1))
    assert "held Mon 12 Jan 2026" in practitioner and verbs.CALENDAR_HELD not in practitioner
    refused = await _invoke(harness, OMAR, verbs.CALENDAR_HELD, pressed, chat=4)
    assert "Only the people responsible for the Supervision" in _text(refused)


async def test_a_stale_or_forged_calendar_button_gets_a_kind_answer(harness: BotHarness, org: Org) -> None:
    stale = {"activity": "qim", "unit": "service", "due_on": "someday"}
    assert "out of date" in _text(await _invoke(harness, QUINN, verbs.CALENDAR_HELD, stale, chat=6))
    gone = {"activity": "qim", "unit": "team-999", "due_on": "2026-01-28"}
    assert "out of date" in _text(await _invoke(harness, QUINN, verbs.CALENDAR_RECORD, gone, chat=6))


async def test_the_qa_lead_records_a_learning_event_as_it_happens(harness: BotHarness, org: Org) -> None:
    calendar = await _command(harness, QUINN, "qa calendar", chat=6)
    assert "Record a learning event" in _text(calendar) and "Service-wide" in _text(calendar)
    picker = await _command(harness, QUINN, "record activity", chat=6)
    choice = _choices(picker, "choice")["Learning from an inspection \u2014 Service-wide"]
    form = await _invoke(harness, QUINN, verbs.CALENDAR_OPEN_EVENT, {"choice": choice}, chat=6)
    answers = {
        **button_data(form, verbs.CALENDAR_RECORD),
        "held_on": "2026-01-09",
        "attendees": "",
        "findings": "Inspectors found plans strong; management oversight thin.",
    }
    assert answers["due_on"] == ""
    recorded = await _invoke(harness, QUINN, verbs.CALENDAR_RECORD, answers, chat=6)
    assert "Recorded: Learning from an inspection" in _text(recorded) and "Fri 9 Jan 2026" in _text(recorded)
    nothing = await _invoke(harness, QUINN, verbs.CALENDAR_OPEN_EVENT, {}, chat=6)
    assert "Please choose an event." in _text(nothing)
