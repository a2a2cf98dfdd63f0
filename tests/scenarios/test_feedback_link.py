"""The public feedback page behind a family link, over real HTTP through the whole app."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Any

from aiohttp import ClientResponse
from sqlalchemy import func, select

from qop.app import SERVICES_KEY
from services.feedback.links import CreatedLink
from storage.models import FeedbackLink, FeedbackResponse, SafetyAlert
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import make_org
from tests.support.delivery import eventually
from tests.support.link_pages import page_data, post_answers

PARENT_ANSWERS = {
    "understood_why": "agree",
    "worries_explained": "strongly_agree",
    "strengths_recognised": "neither",
    "listened_to": "agree",
    "helped_make_plan": "disagree",
    "know_next_steps": "dont_know",
    "where_now": "6",
    "working_well": "The family group conference helped.",
}


async def _link(harness: BotHarness, sessions: Any, template: str = "family-parent-carer") -> CreatedLink:
    org = await make_org(sessions)
    links = harness.client.app[SERVICES_KEY].feedback_links
    return await links.create_link(creator_id=org.practitioner, case_reference="lcs123456", template_key=template)


def _path(link: CreatedLink) -> str:
    return "/feedback/" + link.url.rsplit("/", 1)[1]


async def _open(harness: BotHarness, path: str) -> tuple[ClientResponse, dict[str, Any]]:
    response = await harness.client.get(path)
    assert response.status == 200, await response.text()
    return response, page_data(await response.text())


async def _count(sessions: Any, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_a_family_opens_the_link_answers_once_and_a_second_submit_is_refused_kindly(
    harness: BotHarness, sessions: Any
) -> None:
    link = await _link(harness, sessions)
    assert link.case_reference == "LCS123456"
    response, data = await _open(harness, _path(link))

    page = await response.text()
    assert '<html lang="en-GB">' in page and "<h1" in page
    headers = response.headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "http" not in headers["Content-Security-Policy"], "no remote origin is allowed"
    assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Frame-Options"] == "DENY"
    assert "SameSite=Strict" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    assert data["card"]["type"] == "AdaptiveCard" and data["card"]["version"] == "1.5"
    assert "LCS123456" not in page, "the public page never shows the case reference"

    accepted = await post_answers(harness.client, _path(link), data["csrf"], PARENT_ANSWERS)
    assert accepted.status == 200, await accepted.text()
    assert (await accepted.json())["state"] == "thanks"
    async with sessions() as session:
        stored = await session.scalar(select(FeedbackResponse))
        used = await session.scalar(select(FeedbackLink))
    assert stored.case_reference == "LCS123456" and stored.channel == "link" and stored.respondent_id is None
    assert stored.answers["where_now"] == 6 and stored.answers["helped_make_plan"] == "disagree"
    assert used.used_at is not None

    again = await post_answers(harness.client, _path(link), data["csrf"], PARENT_ANSWERS)
    assert again.status == 410 and (await again.json())["title"] == "You've already answered"
    reopened = await harness.client.get(_path(link))
    assert reopened.status == 410 and "already been used" in await reopened.text()
    assert await _count(sessions, FeedbackResponse) == 1


async def test_an_expired_link_is_refused_kindly(harness: BotHarness, sessions: Any, clock: Any) -> None:
    link = await _link(harness, sessions)
    _, data = await _open(harness, _path(link))
    clock.advance(timedelta(days=14, seconds=1))

    page = await harness.client.get(_path(link))
    assert page.status == 410 and "This link has expired" in await page.text()
    late = await post_answers(harness.client, _path(link), data["csrf"], PARENT_ANSWERS)
    assert late.status == 410 and (await late.json())["title"] == "This link has expired"
    assert await _count(sessions, FeedbackResponse) == 0


async def test_a_tampered_or_made_up_token_reveals_nothing(harness: BotHarness, sessions: Any) -> None:
    link = await _link(harness, sessions)
    path = _path(link)
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    pages = []
    for candidate in (tampered, "/feedback/not-a-token", "/feedback/" + "x" * 43):
        response = await harness.client.get(candidate)
        assert response.status == 404
        pages.append(await response.text())
    assert len(set(pages)) == 1, "every wrong token gets the same page"
    assert "This link isn't working" in html.unescape(pages[0])
    assert "Content-Security-Policy" in response.headers
    _, data = await _open(harness, path)
    refused = await post_answers(harness.client, tampered, data["csrf"], PARENT_ANSWERS)
    assert refused.status == 404
    assert await _count(sessions, FeedbackResponse) == 0


async def test_forged_submissions_are_refused_and_the_link_still_works(harness: BotHarness, sessions: Any) -> None:
    link = await _link(harness, sessions)
    path = _path(link)
    _, data = await _open(harness, path)

    no_token = await post_answers(harness.client, path, "", PARENT_ANSWERS)
    wrong_token = await post_answers(harness.client, path, "0" * 64, PARENT_ANSWERS)
    other_site = await post_answers(harness.client, path, data["csrf"], PARENT_ANSWERS, Origin="https://evil.example")
    no_origin = await harness.client.post(path, json={"csrf": data["csrf"], "answers": PARENT_ANSWERS})
    harness.client.session.cookie_jar.clear()
    no_cookie = await post_answers(harness.client, path, data["csrf"], PARENT_ANSWERS)
    for refused in (no_token, wrong_token, other_site, no_origin, no_cookie):
        assert refused.status == 403
        assert (await refused.json())["title"] == "Please reload the page"
    assert await _count(sessions, FeedbackResponse) == 0

    _, fresh = await _open(harness, path)
    assert (await post_answers(harness.client, path, fresh["csrf"], PARENT_ANSWERS)).status == 200


async def test_answers_that_need_another_look_keep_the_link_open(harness: BotHarness, sessions: Any) -> None:
    link = await _link(harness, sessions)
    path = _path(link)
    _, data = await _open(harness, path)
    incomplete = {**PARENT_ANSWERS, "where_now": "11", "still_worried": "call me on 07700 900123"}
    del incomplete["understood_why"]

    response = await post_answers(harness.client, path, data["csrf"], incomplete)
    assert response.status == 422
    fields = (await response.json())["fields"]
    assert set(fields) == {
        "I understood why children's services were involved with my family.",
        "Where are things for your family now?",
        "What are you still worried about?",
    }
    assert "phone number" in fields["What are you still worried about?"]
    assert (await post_answers(harness.client, path, data["csrf"], PARENT_ANSWERS)).status == 200


async def test_a_young_person_who_feels_unsafe_raises_an_alert_for_worker_and_manager(
    harness: BotHarness, sessions: Any
) -> None:
    # The practitioner asks for the link in Teams, as they would.
    await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback link LCS123456 family-young-person"))
    [link_card] = harness.connector.messages[0].cards
    url = next(x["url"] for x in link_card["actions"] if x["type"] == "Action.OpenUrl")
    path = "/feedback/" + url.rsplit("/", 1)[1]
    _, data = await _open(harness, path)
    answers = {
        "listened_to": "agree",
        "understand_why": "agree",
        "had_a_say": "neither",
        "know_next": "agree",
        "safe_where_i_live": "strongly_disagree",
        "happy_where_i_live": "5",
    }
    assert (await post_answers(harness.client, path, data["csrf"], answers)).status == 200
    async with sessions() as session:
        alert = await session.scalar(select(SafetyAlert))
        response = await session.scalar(select(FeedbackResponse))
    assert alert is not None and alert.case_reference == "LCS123456"
    assert alert.worker_id == response.worker_id and alert.manager_id is not None
    assert alert.triggers == {"I feel safe where I live.": "Strongly disagree"}

    async def both_alerted() -> list[Any] | None:
        sent = [m for m in harness.connector.messages if any("Safety alert" in json.dumps(c) for c in m.cards)]
        return sent if len(sent) >= 2 else None

    alerts = await eventually(both_alerted, what="the alert to the worker and the manager")
    assert sorted(m.conversation_id for m in alerts) == ["a:1on1-29:user-2", "a:personal-1"]
    assert all("LCS123456" in json.dumps(m.cards[0]) and "Feedback link" in json.dumps(m.cards[0]) for m in alerts)


async def test_the_page_assets_are_served_locally(harness: BotHarness) -> None:
    for name in ("feedback.js", "feedback.css"):
        assert (await harness.client.get(f"/assets/{name}")).status == 200
    assert (await harness.client.get("/assets/../../etc/passwd")).status == 404
    assert (await harness.client.get("/assets/unknown.js")).status == 404


async def test_too_many_requests_from_one_address_get_a_kind_429(harness_factory: Any) -> None:
    harness = await harness_factory(feedback_rate_burst=3, feedback_rate_per_minute=1)
    statuses = [(await harness.client.get("/feedback/" + "x" * 43)).status for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    busy = await harness.client.get("/feedback/" + "x" * 43)
    assert busy.status == 429 and "Please wait a moment" in await busy.text()
    assert int(busy.headers["Retry-After"]) >= 1
    assert "default-src 'none'" in busy.headers["Content-Security-Policy"]
