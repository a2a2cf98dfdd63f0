"""The family's view inside an audit, answered through the audit's private links in headless
Chromium on a phone-sized screen (run by test_feedback_browser.py inside a network namespace):
a parent answers while the audit is open and their answers appear on the auditor's page; a young
person answers after the audit was submitted and gets a kind page, their answers kept and shown
on the audit marked late. Screenshots land in test-artifacts/."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from cards import text_audit_family, text_feedback
from cards.audit import page_card, submitted_card
from qop.app import SERVICES_KEY
from storage.models import FeedbackResponse
from tests.e2e.browser import run_node_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot
from tests.support.audits import YOUNG_PERSON_ANSWERS, card_text, make_audit_org, send_reflection, valid_answers
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require
from views.audits import AuditPage, SubmittedAudit

pytestmark = pytest.mark.browser

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_audit_family_link.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AUDITOR = "29:user-4"
PARENT_WORDS = "We work well together now and the school helps on Mondays."
YOUNG_PERSON_WORDS = YOUNG_PERSON_ANSWERS["working_well"]
PARENT = {
    "choices": {
        "I understood why we were involved with your family.": "Agree",
        "The worries were explained to me.": "Strongly agree",
        "My family's strengths were recognised.": "Agree",
        "I helped to make the plan.": "Neither agree nor disagree",
        "I know what needs to happen.": "Agree",
        "Has anything changed for your child?": "Things are better",
    },
    "selects": {"Where are things now?": "7"},
    "texts": {"Is there anything else you want to tell us? (optional)": PARENT_WORDS},
}
YOUNG_PERSON = {
    "choices": {
        "My worker listens to me.": "Agree",
        "I understand why a worker is involved.": "Agree",
        "I had a say in my plan.": "Neither agree nor disagree",
        "I know what will happen next.": "Agree",
        "I feel safe where I live.": "Agree",
    },
    "selects": {"How happy are you where you live?": "8"},
    "texts": {"What is going well for you? (optional)": YOUNG_PERSON_WORDS},
}


def _live(bot: LiveBot, url: str) -> str:
    """The link as the live bot on its free port serves it (links name the configured base URL)."""
    return f"http://127.0.0.1:{bot.port}{urlsplit(url).path}"


def _link_of(page: object) -> str:
    family = getattr(page, "family", None)
    assert family is not None and family.new_link is not None
    return str(family.new_link.url)


async def test_a_family_answers_the_audits_links_on_a_phone_and_the_audit_shows_it(
    bot: LiveBot, tmp_path: Path
) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    services = bot.app[SERVICES_KEY]  # type: ignore[index]
    audits = services.audits
    await make_audit_org(services.sessions)
    today = services.clock.now().date()
    report = await audits.rounds.start_round_from_csv(
        template_id="standard-collaborative-audit",
        due_date=today + timedelta(days=14),
        csv_text="case_ref,team,practitioner,auditor\n"
        "LCS100001,Riverside Locality Team,priya@council.example.gov.uk,omar@council.example.gov.uk\n",
        actor_id=None,
    )
    [assignment_id] = report.created
    template = audits.context.templates.get("standard-collaborative-audit")
    for number, section in enumerate(template.sections):
        data = valid_answers(section, today)
        await audits.answering.save_page(AUDITOR, assignment_id, page=number, data=data, move="next")
    review = len(template.sections) + 1
    parent_link = _link_of(await audits.family.ask_by_link(AUDITOR, assignment_id, who="parent_carer", page=0, data={}))
    young_link = _link_of(await audits.family.ask_by_link(AUDITOR, assignment_id, who="young_person", page=0, data={}))

    ARTIFACTS.mkdir(exist_ok=True)
    visits, pictures = [], []
    for name, link, answers in (("parent", parent_link, PARENT), ("young-person", young_link, YOUNG_PERSON)):
        answered, thanks = (
            ARTIFACTS / f"audit-family-{name}-answered.png",
            ARTIFACTS / f"audit-family-{name}-thanks.png",
        )
        for picture in (answered, thanks):
            picture.unlink(missing_ok=True)
        pictures += [answered, thanks]
        visits.append(
            {
                "link": _live(bot, link),
                "submitLabel": "Send my answers",
                "answeredScreenshot": str(answered),
                "screenshot": str(thanks),
                **answers,
            }
        )
    config_file = tmp_path / "parent.json"

    # The parent answers while the audit is open: their words are on the auditor's page.
    config_file.write_text(json.dumps({"visits": visits[:1]}))
    seen = await run_node_script(SCRIPT, str(config_file), chromium=str(chromium), within_seconds=120)
    assert seen["blocked"] == [] and seen["problems"] == [], "nothing leaves the machine; no script error"
    [parent] = seen["seen"]
    assert parent["openStatus"] == 200 and "Your view of the help your family has had" in parent["headings"]
    assert parent["pageScrollWidth"] <= parent["viewportWidth"], "nothing scrolls sideways on a phone"
    assert parent["outcome"] == "Thank you" and parent["outcomeFocused"] == "qop-outcome"
    assert "read by the person reviewing the help your family has had" in parent["afterSubmit"]
    page = await audits.answering.save_page(AUDITOR, assignment_id, page=review - 1, data={}, move="next")
    assert isinstance(page, AuditPage) and page.is_review_page
    shown = card_text(page_card(page))
    assert PARENT_WORDS in shown and text_audit_family.HEARD in shown and "Things are better" in shown

    # The audit is submitted (the practitioner's reflection is in); the young person answers
    # afterwards and is told kindly.
    await send_reflection(audits, assignment_id)
    submitted = await audits.submission.submit(AUDITOR, assignment_id, data={}, idempotency_key="k")
    assert isinstance(submitted, SubmittedAudit), "the parent's answers are the family's view"
    config_file.write_text(json.dumps({"visits": visits[1:]}))
    seen = await run_node_script(SCRIPT, str(config_file), chromium=str(chromium), within_seconds=120)
    assert seen["blocked"] == [] and seen["problems"] == []
    [young] = seen["seen"]
    assert young["outcome"] == "Thank you" and text_feedback.PAGE_LATE_NOTE in young["afterSubmit"]
    assert "call 999" in young["afterSubmit"], "the young person's own safety advice stays"
    assert young["pageScrollWidth"] <= young["viewportWidth"]
    for picture in pictures:
        assert picture.read_bytes().startswith(PNG_SIGNATURE)

    audit = await audits.tasks.view(AUDITOR, assignment_id)
    assert isinstance(audit, SubmittedAudit)
    shown = card_text(submitted_card(audit))
    assert PARENT_WORDS in shown and YOUNG_PERSON_WORDS in shown and text_audit_family.LATE in shown
    async with services.sessions() as session:
        stored = list(await session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.submitted_at)))
    assert [(r.template_key, r.assignment_id, r.late) for r in stored] == [
        ("audit-family-feedback", assignment_id, False),
        ("family-young-person", assignment_id, True),
    ]
    assert stored[0].answers["comments"] == PARENT_WORDS and stored[0].answers["where_now"] == 7
