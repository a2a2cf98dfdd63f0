"""A family feedback link in headless Chromium on a phone-sized screen (run by
test_feedback_browser.py inside a network namespace). Screenshots land in test-artifacts/."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from qop.app import SERVICES_KEY
from services.feedback.tokens import hash_token, new_link_token
from storage.db import transaction
from storage.models import FeedbackLink, FeedbackResponse
from tests.e2e.browser import run_node_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot
from tests.support.action_org import make_org
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.browser

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_feedback_link.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AGREEMENT = {
    "I understood why children's services were involved with my family.": "Agree",
    "The worries were explained to me clearly.": "Strongly agree",
    "The good things about my family were recognised.": "Neither agree nor disagree",
    "My worker listened to me.": "Agree",
    "I helped to make the plan.": "Disagree",
    "I know what needs to happen next.": "Don't know",
}


def _live(bot: LiveBot, url: str) -> str:
    """The link as the live bot on its free port serves it (links name the configured base URL)."""
    return f"http://127.0.0.1:{bot.port}{urlsplit(url).path}"


async def _expired_link(bot: LiveBot, creator_id: int) -> str:
    """A link whose 14 days ran out yesterday (the live bot runs on the real clock)."""
    token = new_link_token()
    services = bot.app[SERVICES_KEY]  # type: ignore[index]
    now = services.clock.now()
    async with transaction(services.sessions) as session:
        session.add(
            FeedbackLink(
                token_hash=hash_token(token),
                template_key="family-parent-carer",
                template_version=1,
                case_reference="LCS765432",
                created_by_id=creator_id,
                expires_at=now - timedelta(days=1),
            )
        )
    return f"http://127.0.0.1:{bot.port}/feedback/{token}"


async def test_a_parent_answers_on_a_phone_and_everything_else_is_refused_kindly(bot: LiveBot, tmp_path: Path) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    services = bot.app[SERVICES_KEY]  # type: ignore[index]
    org = await make_org(services.sessions)
    links = services.feedback_links
    link = await links.create_link(
        creator_id=org.practitioner, case_reference="LCS123456", template_key="family-parent-carer"
    )
    fresh = await links.create_link(
        creator_id=org.practitioner, case_reference="LCS123457", template_key="family-parent-carer"
    )
    tampered = _live(bot, link.url)[:-2] + ("AB" if not link.url.endswith("AB") else "CD")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "feedback-link-phone.png"
    used_screenshot = ARTIFACTS / "feedback-link-used.png"
    answered_screenshot = ARTIFACTS / "feedback-link-answered.png"
    for old in (screenshot, used_screenshot, answered_screenshot):
        old.unlink(missing_ok=True)
    config = {
        "link": _live(bot, link.url),
        "freshLink": _live(bot, fresh.url),
        "expiredLink": await _expired_link(bot, org.practitioner),
        "tamperedLink": tampered,
        "choices": AGREEMENT,
        "selects": {"Where are things for your family now?": "6"},
        "texts": {"What is working well? (optional)": "The family group conference helped us."},
        "submitLabel": "Send my answers",
        "screenshot": str(screenshot),
        "usedScreenshot": str(used_screenshot),
        "answeredScreenshot": str(answered_screenshot),
    }
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))

    seen = await run_node_script(SCRIPT, str(config_file), chromium=str(chromium), within_seconds=120)

    assert seen["blocked"] == [], "no request may leave this machine"
    assert seen["problemsWhileAnswering"] == [], "no script error, CSP violation or failed asset"
    assert seen["openStatus"] == 200 and seen["lang"] == "en-GB"
    assert seen["h1"] == "Tell us what you think" and "Your views on our help" in seen["headings"]
    assert seen["radioGroups"] == len(AGREEMENT), "each question's answers form a named radio group"
    assert seen["pageScrollWidth"] <= seen["viewportWidth"], "nothing scrolls sideways on a phone"
    assert seen["outcome"] == "Thank you" and seen["outcomeFocused"] == "qop-outcome"
    assert "We have your answers" in seen["afterSubmit"]
    for picture in (screenshot, used_screenshot, answered_screenshot):
        assert picture.read_bytes().startswith(PNG_SIGNATURE)

    async with services.sessions() as session:
        stored = list(await session.scalars(select(FeedbackResponse)))
    assert len(stored) == 1 and stored[0].case_reference == "LCS123456" and stored[0].channel == "link"
    assert stored[0].answers == {
        "understood_why": "agree",
        "worries_explained": "strongly_agree",
        "strengths_recognised": "neither",
        "listened_to": "agree",
        "helped_make_plan": "disagree",
        "know_next_steps": "dont_know",
        "where_now": 6,
        "working_well": "The family group conference helped us.",
    }

    assert seen["secondSubmit"]["status"] == 410
    assert seen["secondSubmit"]["body"]["title"] == "You've already answered"
    assert "already been used" in seen["reopened"]
    assert seen["forged"]["status"] == 403 and seen["forged"]["body"]["title"] == "Please reload the page"
    assert seen["expired"]["status"] == 410 and "This link has expired" in seen["expired"]["text"]
    assert seen["tampered"]["status"] == 404 and "This link isn't working" in seen["tampered"]["text"]
    assert "LCS" not in seen["tampered"]["text"] + seen["expired"]["text"]
    assert seen["flood"]["status"] == 429 and "Please wait a moment" in seen["flood"]["text"]
