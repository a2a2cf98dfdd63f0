"""A partner auditor's private link in headless Chromium on a phone-sized screen (run by
test_partner_browser.py inside a network namespace). Screenshots land in test-artifacts/."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from qop.app import SERVICES_KEY
from services.feedback.tokens import hash_token, new_link_token
from storage.db import transaction
from storage.models import PartnerAuditLink, PartnerAuditPart
from tests.e2e.browser import run_node_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot
from tests.support.audits import make_audit_org
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.browser

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_partner_link.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AUDITOR = "29:user-4"
CHOICES = {
    "Did your agency understand the threshold of needs document, and how and when it is appropriate to refer to "
    "social care?": "Yes",
    "If your agency referred, were all relevant sections of the MARF completed with clear information on the "
    "strengths and worries, based on facts and specific behaviours?": "Not applicable",
    "Did your agency have the opportunity to contribute to the assessment?": "Yes",
    "Was your agency invited to review meetings, and did it attend (or give a reason and follow up)?": "Partly",
    "Did your agency contribute to the review of the plan, giving a scale and a rationale for it?": "No",
    "Is your agency's part in the child's plan clear - the tasks, who will do them and by when?": "Partly",
    "How good was your agency's practice for this child?": "Requires improvement",
}
TEXTS = {
    "What worked well in how the agencies worked together for this child?": "Worries were shared at the first core group.",
    "What is the key finding about multi-agency practice that the partnership should learn from?": (
        "Invite the named health visitor to every review."
    ),
}


def _live(bot: LiveBot, url: str) -> str:
    """The link as the live bot on its free port serves it (links name the configured base URL)."""
    return f"http://127.0.0.1:{bot.port}{urlsplit(url).path}"


async def test_a_health_visitor_completes_their_part_on_a_phone_and_the_rest_is_refused_kindly(
    bot: LiveBot, tmp_path: Path
) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    services = bot.app[SERVICES_KEY]  # type: ignore[index]
    await make_audit_org(services.sessions)
    report = await services.audits.rounds.start_round_from_csv(
        template_id="multi-agency-audit",
        due_date=date(2027, 3, 13),
        csv_text="case_ref,team,practitioner,auditor\n"
        "LCS400001,Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk\n",
        actor_id=None,
    )
    [assignment_id] = report.created
    partners = services.audits.partners
    health = await partners.invite(AUDITOR, assignment_id, agency="health", partner_label="hv@nhs.example.net")
    police = await partners.invite(AUDITOR, assignment_id, agency="police", partner_label="MASH sergeant")
    expired_token = new_link_token()
    async with transaction(services.sessions) as session:
        session.add(
            PartnerAuditLink(
                token_hash=hash_token(expired_token),
                assignment_id=assignment_id,
                agency="education",
                partner_label="School DSL",
                created_by_id=(await session.scalar(select(PartnerAuditLink.created_by_id))),
                expires_at=services.clock.now() - timedelta(days=1),
            )
        )
    link = _live(bot, health.url)
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "answeredScreenshot": ARTIFACTS / "partner-link-answered.png",
        "screenshot": ARTIFACTS / "partner-link-phone.png",
        "refusedScreenshot": ARTIFACTS / "partner-link-refused.png",
    }
    for old in shots.values():
        old.unlink(missing_ok=True)
    config = {
        "link": link,
        "freshLink": _live(bot, police.url),
        "expiredLink": f"http://127.0.0.1:{bot.port}/partner/{expired_token}",
        "tamperedLink": link[:-2] + ("AB" if not link.endswith("AB") else "CD"),
        "choices": CHOICES,
        "selects": {
            "On a scale of 0 to 10, where is this child's safety and wellbeing now, in your agency's view?": "7"
        },
        "texts": TEXTS,
        "submitLabel": "Send my agency's part",
        **{name: str(path) for name, path in shots.items()},
    }
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))

    seen = await run_node_script(SCRIPT, str(config_file), chromium=str(chromium), within_seconds=120)

    assert seen["blocked"] == [], "no request may leave this machine"
    assert seen["problemsWhileAnswering"] == [], "no script error, CSP violation or failed asset"
    assert seen["openStatus"] == 200 and seen["lang"] == "en-GB"
    assert seen["h1"] == "Your agency's part of a multi-agency audit"
    assert "Multi-agency audit: Health" in seen["pageText"] and "LCS400001" not in seen["pageText"]
    assert seen["radioGroups"] == len(CHOICES), "each question's answers form a named radio group"
    assert seen["pageScrollWidth"] <= seen["viewportWidth"], "nothing scrolls sideways on a phone"
    assert seen["outcome"] == "Thank you" and seen["outcomeFocused"] == "qop-outcome"
    assert "We have your agency's part" in seen["afterSubmit"]
    for picture in shots.values():
        assert picture.read_bytes().startswith(PNG_SIGNATURE)

    async with services.sessions() as session:
        stored = list(await session.scalars(select(PartnerAuditPart)))
    assert len(stored) == 1 and stored[0].agency == "health" and stored[0].assignment_id == assignment_id
    assert stored[0].answers == {
        "health_threshold_understood": "yes",
        "health_marf_complete": "not_applicable",
        "health_contributed_to_assessment": "yes",
        "health_invited_to_reviews": "partly",
        "health_contributed_to_review": "no",
        "health_role_clear": "partly",
        "health_practice_grade": "requires_improvement",
        "health_scale": 7,
        "health_working_well": "Worries were shared at the first core group.",
        "health_key_finding": "Invite the named health visitor to every review.",
    }

    assert seen["secondSubmit"]["status"] == 410
    assert seen["secondSubmit"]["body"]["title"] == "This part has already been sent"
    assert "already been used" in seen["reopened"]
    assert seen["forged"]["status"] == 403 and seen["forged"]["body"]["title"] == "Please reload the page"
    assert seen["expired"]["status"] == 410 and "This link has expired" in seen["expired"]["text"]
    assert seen["tampered"]["status"] == 404 and "This link isn't working" in seen["tampered"]["text"]
    assert "LCS" not in seen["tampered"]["text"] + seen["expired"]["text"]
