"""A practice day through Microsoft's Teams playground (run by test_practice_day_playground.py in a
network namespace; ``pytest tests/e2e/isolated_practice_day.py`` runs it directly).

Three of the playground's users, with the roles a council gives them: Alex Wilber (the current
user), made a senior manager of Locality social work as ``qop org role add`` does, plans a practice
day for today from the plan card; Isaiah Langer (QA lead, no team of his own) is paired with Patti
Fernandez's Moorside case. The day starts at once: Isaiah gets the audit card and audits the case in
his own chat, Patti gets her reflection card. When the audit is in, the reminder pass closes the day:
Alex gets the summary card in his chat and downloads the spreadsheet from qop's own web server."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.container import Services
from services.demo_practice_days import load_demo_practice_days
from services.reminder_job import run_reminders
from services.templates import TemplateLibrary
from storage.models import AuditAssignment, AuditRound, CalendarOccurrence, Person, PracticeDay
from tests.e2e.browser import run_browser_script
from tests.e2e.isolated_audit import card_in_chat_of, install_with_colleagues, next_card_with
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text
from tests.support.audits import REFLECTION_ANSWERS, valid_answers
from tests.support.cards import button_data, nodes
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.e2e

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
CASE = "LCS300245"
ALEX, ISAIAH, PATTI = "alexw@example.com", "isaiahl@example.com", "pattif@example.com"
AREA = "Locality social work"
SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_practice_day.js"


def choices(card: dict[str, Any], input_id: str) -> dict[str, str]:
    """title -> value of one choice set of a card."""
    found_input = next(node for node in nodes(card) if node.get("id") == input_id)
    return {choice["title"]: choice["value"] for choice in found_input["choices"]}


async def test_a_practice_day_through_the_playground(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    made = await services.organisation.change_role(actor=None, email=ALEX, role="senior manager", add=True, area=AREA)
    assert made.changed
    today = services.audits.context.today()

    async with PlaygroundClient(playground.url) as teams:
        user_of, personal, _ = await install_with_colleagues(services, teams, (ISAIAH, PATTI))

        # Alex plans the day from the card: today, his area, Patti's case, Isaiah auditing.
        await teams.say(personal, "plan practice day")
        form, form_id = await next_card_with(teams, personal, "Plan a practice day")
        isaiah_choice = next(v for t, v in choices(form, "auditors").items() if t.startswith("Isaiah Langer"))
        plan = {
            "day": today.isoformat(),
            "area": choices(form, "area")[AREA],
            "template": STANDARD.id,
            "cases": f"{CASE}, Moorside Locality Team, {PATTI}",
            "auditors": isaiah_choice,
        }
        planned = await teams.execute(personal, verbs.PRACTICE_DAY_PLAN, plan, reply_to_id=form_id)
        assert "Isaiah Langer audits LCS300245 (Moorside Locality Team) with Patti Fernandez" in card_text(
            planned["value"]
        )
        assert "the cards have gone out to the 1 pairs" in card_text(planned["value"])
        await next_card_with(teams, personal, "Practice day under way: Locality social work")

        # Isaiah audits the case in his own chat; Patti sends her reflection from her card.
        isaiah_chat, invitation_id, invitation = await card_in_chat_of(
            services, teams, ISAIAH, user_of[ISAIAH], f"An audit for you: case {CASE}"
        )
        patti_chat, reflection_id, _ = await card_in_chat_of(
            services, teams, PATTI, user_of[PATTI], f"Your reflection: case {CASE}"
        )
        audit_id = button_data(invitation, verbs.AUDIT_OPEN)["assignment_id"]
        reflection = {"assignment_id": audit_id, **REFLECTION_ANSWERS}
        sent = await teams.execute(
            patti_chat, verbs.AUDIT_REFLECT_SUBMIT, reflection, reply_to_id=reflection_id, as_user=user_of[PATTI]
        )
        assert f"case {CASE}" in card_text(sent["value"])

        async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = await teams.execute(isaiah_chat, verb, data, reply_to_id=invitation_id, as_user=user_of[ISAIAH])
            return answer["value"]

        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        for number, section in enumerate(STANDARD.sections):
            page = await press(
                verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **valid_answers(section, today)}
            )
        due = (today + timedelta(days=28)).isoformat()
        async with services.sessions() as session:
            patti = await session.scalar(select(Person.id).where(Person.email == PATTI))
        action = {"action_1_what": "Share the plan with the family", "action_1_owner": str(patti), "action_1_due": due}
        page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": len(STANDARD.sections), **action})
        declined = {"assignment_id": audit_id, "page": len(STANDARD.sections) + 1, "family_reason": "declined"}
        page = await press(verbs.AUDIT_FAMILY_REASON, declined)
        submitted = await press(verbs.AUDIT_SUBMIT, button_data(page, verbs.AUDIT_SUBMIT))
        assert f"Audit submitted: case {CASE}" in card_text(submitted)

        # Every audit is in: the reminder pass closes the day and Alex gets the summary.
        await run_reminders(services)
        summary, summary_id = await next_card_with(teams, personal, "Practice day summary: Locality social work")
        assert "1 of 1 audits submitted" in card_text(summary)
        assert "Share the plan with the family" in card_text(summary)

        link = await teams.execute(
            personal,
            verbs.PRACTICE_DAY_WORKBOOK,
            button_data(summary, verbs.PRACTICE_DAY_WORKBOOK),
            reply_to_id=summary_id,
        )
        url = next(n["url"] for n in nodes(link["value"]) if n.get("type") == "Action.OpenUrl")
        parts = urlsplit(url)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{bot.port}{parts.path}?{parts.query}") as response,
        ):
            assert response.status == 200
            book = load_workbook(io.BytesIO(await response.read()))
        rows = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True)}
        assert rows["Audits submitted"] == 1 and rows["Service area"] == AREA

    async with services.sessions() as session:
        [day] = list(await session.scalars(select(PracticeDay)))
        audit_round = await session.get(AuditRound, day.round_id)
        [assignment] = list(await session.scalars(select(AuditAssignment).where(AuditAssignment.id == audit_id)))
        occurrence = await session.get(CalendarOccurrence, day.calendar_occurrence_id)
        isaiah = await session.scalar(select(Person.id).where(Person.email == ISAIAH))
    assert (day.status, day.held_on) == ("closed", today)
    assert audit_round is not None and audit_round.source == "practice day" and assignment.round_id == audit_round.id
    assert (assignment.auditor_id, assignment.practitioner_id) == (isaiah, patti)
    assert assignment.status in ("completed", "moderation"), "submitted (a tenth of audits are sampled for moderation)"
    assert occurrence is not None and occurrence.activity == "practice_days" and occurrence.held_on == today


async def test_the_demo_s_practice_day_renders_in_headless_chromium(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    """Alex, a senior manager of the demo's area, opens the finished demo practice day's summary
    from 'practice days' in the playground's own UI, as a newcomer does after ``make run``; the
    rendered card is kept as a screenshot in test-artifacts/."""
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    services: Services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    assert await load_demo_practice_days(services.audits) == 2
    await services.organisation.change_role(actor=None, email=ALEX, role="senior manager", add=True, area=AREA)

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "practice-day-summary.png"
    screenshot.unlink(missing_ok=True)
    result = await run_browser_script(SCRIPT, playground.url, screenshot, chromium=str(chromium), within_seconds=120)
    text = result["cardText"]
    assert "Practice day summary: Locality social work" in text and "4 of 4 audits submitted" in text
    assert "Grades by stage" in text and "Get the spreadsheet" in text
    assert "Write a danger statement and safety goal with the family." in text
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
