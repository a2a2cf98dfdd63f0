"""An audit through Microsoft's Teams playground (run by test_audit_playground.py in a network
namespace; ``pytest tests/e2e/isolated_audit.py`` runs it directly).

The demo gives Alex (the playground's user) an audit to carry out and a reflection to write. The
invitation arrives through the delivery engine; Alex walks every page (with a Back step and a
resume from 'my tasks'), raises an action, reflects on their own case and submits; a double submit
stores one audit. Then the database holds exactly the expected records. A second test renders an
audit page in headless Chromium and keeps the screenshot in test-artifacts/."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from services.demo_audits import load_demo_audits
from services.templates import TemplateLibrary
from storage.models import Action, AuditAssignment, AuditGrade, AuditReflection, AuditSubmission, Person
from tests.e2e.browser import run_browser_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text
from tests.support.audits import inputs_of, valid_answers
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.e2e

STANDARD = TemplateLibrary.from_folder().get("standard-collaborative-audit")
SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_audit_page.js"


async def next_card_with(teams: PlaygroundClient, conversation: str, text: str) -> tuple[dict[str, Any], str]:
    """The next card containing ``text`` (others, such as the reflection card, are skipped)."""
    for _ in range(10):
        message = await teams.next_message(conversation)
        for attachment in message.get("attachments") or []:
            if text in card_text(attachment["content"]):
                return attachment["content"], message.get("messageId") or message.get("id") or ""
    raise AssertionError(f"no card with {text!r} arrived")


async def test_an_audit_from_invitation_to_submission(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    await services.demo.load()
    async with PlaygroundClient(playground.url) as teams:
        personal = (await teams.config())["personalChat"]["id"]
        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))
        assert await load_demo_audits(services.audits) == 2
        async with services.sessions() as session:
            alex = await session.scalar(select(Person).where(Person.email == "alexw@example.com"))
            leah = await session.scalar(select(Person.id).where(Person.email == "leah.brannigan@northshire.example"))
            refs = dict((await session.execute(select(AuditAssignment.case_ref, AuditAssignment.id))).all())
        audit_id, reflection_id = refs["LCS204117"], refs["LCS198820"]
        assert alex is not None and alex.teams_user_id == teams.user_id

        invitation, invitation_id = await next_card_with(teams, personal, "An audit for you: case LCS204117")
        assert "Start the audit" in json.dumps(invitation)

        async def press(verb: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = await teams.execute(personal, verb, data, reply_to_id=invitation_id)
            return answer["value"]

        today = services.audits.today()
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert "step 1 of 11" in card_text(page)
        for number in range(3):
            grade = "outstanding" if number == 2 else "good"
            answers = valid_answers(STANDARD.sections[number], today, grade=grade)
            page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
        page = await press(verbs.AUDIT_BACK, {"assignment_id": audit_id, "page": 3})
        assert "step 3 of 11" in card_text(page) and inputs_of(page)["assessment_grade"] == "outstanding"
        await press(verbs.AUDIT_SAVE, {"assignment_id": audit_id, "page": 2})

        await teams.say(personal, "my tasks")
        tasks, _ = await next_card_with(teams, personal, "Your tasks")
        assert "Audit in progress" in card_text(tasks) and "Reflection to write" in card_text(tasks)
        page = await press(verbs.AUDIT_OPEN, {"assignment_id": audit_id})
        assert "step 3 of 11" in card_text(page), "resumed from the saved draft"
        page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": 2})
        for number in range(3, len(STANDARD.sections)):
            answers = valid_answers(STANDARD.sections[number], today)
            page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": number, **answers})
        assert "Actions agreed" in card_text(page)
        action = {
            "action_1_what": "Record the child's own words about school in the plan",
            "action_1_owner": str(leah),
            "action_1_due": (today + timedelta(days=21)).isoformat(),
        }
        page = await press(verbs.AUDIT_NEXT, {"assignment_id": audit_id, "page": len(STANDARD.sections), **action})
        assert "Check and submit" in card_text(page)

        reflection = {
            "did_well": "Visits were regular and mum trusts us.",
            "worried_about": "School attendance in winter.",
            "difference_made": "Attendance rose this term; the school confirms it.",
            "practitioner_scale": "7",
        }
        done = await press(verbs.AUDIT_REFLECT_SUBMIT, {"assignment_id": reflection_id, **reflection})
        assert "Reflection sent: case LCS198820" in card_text(done)

        submit = next(a["data"] for a in page["actions"] if a.get("verb") == verbs.AUDIT_SUBMIT)
        first, second = await asyncio.gather(press(verbs.AUDIT_SUBMIT, submit), press(verbs.AUDIT_SUBMIT, submit))
        assert "Audit submitted: case LCS204117" in card_text(first)
        assert card_text(first) == card_text(second) and "Input." not in card_text(first)

    async with services.sessions() as session:
        submissions = list(await session.scalars(select(AuditSubmission)))
        grades = await session.scalar(select(func.count()).select_from(AuditGrade))
        [action_row] = list(
            await session.scalars(
                select(Action).where(Action.source == "audit", Action.source_ref == f"audit:{audit_id}")
            )
        )
        [reflection_row] = list(await session.scalars(select(AuditReflection)))
        audited = await session.get(AuditAssignment, audit_id)
    assert [s.assignment_id for s in submissions] == [audit_id]
    assert grades == 7
    assert action_row.owner_id == leah and action_row.case_reference == "LCS204117"
    assert reflection_row.assignment_id == reflection_id and reflection_row.practitioner_scale == 7
    assert audited.status == "moderation" and audited.moderator_id is not None


async def test_an_audit_page_renders_in_headless_chromium(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    await services.demo.load()
    await load_demo_audits(services.audits)
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "audit-page.png"
    screenshot.unlink(missing_ok=True)
    result = await run_browser_script(SCRIPT, playground.url, screenshot, chromium=str(chromium), within_seconds=120)
    text = result["cardText"]
    assert "Case LCS204117" in text and "Contact and referral" in text and "We would expect to see" in text
    assert "Save and continue" in text
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
