"""A practice day through the whole app: the senior manager plans it in Teams, the pairs get their
cards on the morning, the leaders get the summary and download the spreadsheet over HTTP."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

from openpyxl import load_workbook
from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from services.clock import FrozenClock
from services.reminder_job import run_reminders
from storage.models import PracticeDay
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import card_to, invoke, say
from tests.support import activities as a
from tests.support.action_org import add_senior_manager
from tests.support.audits import card_text, inputs_of, make_audit_org
from tests.support.cards import button_data, nodes
from tests.support.practice_days import submit_all

SENIOR, PRACTITIONER, MANAGER, AUDITOR = 8, 1, 2, 4
PRIYA, CALLUM, OLIVIA = "priya@council.example.gov.uk", "callum@council.example.gov.uk", "olivia@council.example.gov.uk"
CASES = (
    f"LCS100001, Riverside Locality Team, {PRIYA}\n"
    f"LCS100002, Riverside Locality Team, {CALLUM}\n"
    f"LCS100003, Hillside Children in Care Team, {OLIVIA}"
)


async def _install(harness: BotHarness, numbers: range) -> None:
    for number in numbers:
        await harness.send(
            a.installation(harness.service_url, conversation=a.personal_chat(number), sender=a.user(number))
        )


def _choice_values(card: dict, input_id: str) -> dict[str, str]:  # type: ignore[type-arg]
    """title -> value of a choice set's choices."""
    found = next(node for node in nodes(card) if node.get("id") == input_id)
    return {choice["title"]: choice["value"] for choice in found["choices"]}


async def test_a_practice_day_from_plan_to_spreadsheet(harness: BotHarness, clock: FrozenClock, sessions) -> None:  # type: ignore[no-untyped-def]
    await make_audit_org(sessions)
    await add_senior_manager(sessions, number=SENIOR)
    await _install(harness, range(1, SENIOR + 1))
    services = harness.client.app[SERVICES_KEY]

    refused = await say(harness, PRACTITIONER, "plan practice day")
    assert "senior managers and Heads of Service" in card_text(refused)

    form = await say(harness, SENIOR, "plan practice day")
    assert "Plan a practice day" in card_text(form)
    areas = _choice_values(form, "area")
    people = _choice_values(form, "auditors")
    assert list(areas) == ["Children in Care"]
    assert inputs_of(form)["template"] == "standard-collaborative-audit", "the standard audit unless another is chosen"
    omar = next(value for title, value in people.items() if title.startswith("Omar Hassan"))
    maya = next(value for title, value in people.items() if title.startswith("Maya Patel"))
    plan = {
        **{k: v for k, v in inputs_of(form).items() if v},
        "day": "2026-01-14",
        "cases": CASES,
        "auditors": maya,
    }

    # Bad answers come back on the same card, each under its field; nothing is stored.
    bad = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, {**plan, "day": "someday", "sample": "-3"})
    assert "Choose the date of the practice day." in card_text(bad) and "whole number" in card_text(bad)
    assert inputs_of(bad)["cases"] == CASES, "what was typed is kept"
    garbage = {
        **plan,
        "area": "\u00b2",
        "auditors": "1e999",
        "sample": "1e309",
        "day": "2026-02-30",
        "auditor_emails": "omar at council",
    }
    refused = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, garbage)
    problems = ("Choose the date", "Choose the service area", "whole number", "no longer an active", "e-mail address")
    for message in problems:
        assert message in card_text(refused), message
    nowhere = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, {**plan, "area": "999999"})
    assert "not one qop knows" in card_text(nowhere)
    for bad_id in ("abc", "99999999999", ""):
        lost = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_SUMMARY, {"day_id": bad_id})
        assert "no record of that practice day" in card_text(lost)
    unpaired = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, plan)
    assert "Add an auditor from another team for these cases: LCS100001, LCS100002" in card_text(unpaired)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeDay)) == 0

    planned = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, {**plan, "auditors": f"{maya},{omar}"})
    assert "Practice day planned: Children in Care, 14 January 2026" in card_text(planned)
    assert "Omar Hassan audits LCS100001 (Riverside Locality Team) with Priya Shah" in card_text(planned)
    again = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_PLAN, {**plan, "auditors": f"{maya},{omar}"})
    assert "already has a practice day planned" in card_text(again)

    # The morning of the day: the reminder pass starts it; the pairs get the ordinary audit cards.
    clock.set(datetime(2026, 1, 14, 7, 45, tzinfo=UTC))
    await run_reminders(services)
    invitation = await card_to(harness, AUDITOR, "An audit for you: case LCS100001")
    assert verbs.AUDIT_OPEN in card_text(invitation)
    await card_to(harness, PRACTITIONER, "Your reflection: case LCS100001")
    await card_to(harness, SENIOR, "Practice day under way: Children in Care")

    # Every audit is in: the next pass closes the day and the leaders get the summary.
    await submit_all(services, sessions)
    await run_reminders(services)
    summary = await card_to(harness, SENIOR, "Practice day summary: Children in Care")
    assert "3 of 3 audits submitted" in card_text(summary)
    assert "Share the plan with the family in words and pictures" in card_text(summary)

    listed = await say(harness, SENIOR, "practice days")
    assert "14 January 2026: Children in Care (Finished: summary sent, 3 cases)" in card_text(listed)
    shown = await invoke(harness, SENIOR, verbs.PRACTICE_DAY_SUMMARY, button_data(listed, verbs.PRACTICE_DAY_SUMMARY))
    assert "3 of 3 audits submitted" in card_text(shown)
    not_theirs = await invoke(
        harness, PRACTITIONER, verbs.PRACTICE_DAY_SUMMARY, button_data(listed, verbs.PRACTICE_DAY_SUMMARY)
    )
    assert "The summary of a practice day is for" in card_text(not_theirs)

    # The spreadsheet, through a signed link bound to the senior manager.
    link_card = await invoke(
        harness, SENIOR, verbs.PRACTICE_DAY_WORKBOOK, button_data(summary, verbs.PRACTICE_DAY_WORKBOOK)
    )
    url = next(node["url"] for node in nodes(link_card) if node.get("type") == "Action.OpenUrl")
    parts = urlsplit(url)
    response = await harness.client.get(f"{parts.path}?{parts.query}")
    assert response.status == 200 and response.content_type.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(await response.read()))
    rows = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True)}
    assert rows["Audits submitted"] == 3 and rows["Service area"] == "Children in Care"
    forged = await harness.client.get(f"{parts.path}?{parts.query[:-2]}00")
    assert forged.status == 403 and "cannot be opened" in await forged.text()
    garbage = await harness.client.get("/reports/practice-day.xlsx?t=%00%ff")
    assert garbage.status == 403
