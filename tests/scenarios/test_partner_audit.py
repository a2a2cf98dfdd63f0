"""A multi-agency audit through the whole app: the council's auditor invites a partner auditor from
the audit card in Teams, and the partner completes their agency's part on the public page over
real HTTP. A reused, forged or expired link, or a post without the page's anti-forgery token,
changes nothing and gets a kind answer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from storage.models import PartnerAuditLink, PartnerAuditPart
from tests.scenarios.conftest import BotHarness
from tests.scenarios.test_audits import AUDITOR, invoke
from tests.services.test_partner_audits import HEADER, MULTI, OMAR, PRIYA, partner_answers
from tests.support.audits import card_text, make_audit_org
from tests.support.cards import button_data, nodes
from tests.support.link_pages import page_data, post_answers, same_origin
from views.templates import Agency

HEALTH_ANSWERS = {key: str(value) for key, value in partner_answers(MULTI.partner_sections(Agency.HEALTH)).items()}


async def _audit(harness: BotHarness, sessions: Any) -> int:
    await make_audit_org(sessions)
    rounds = harness.client.app[SERVICES_KEY].audits.rounds
    report = await rounds.start_round_from_csv(
        template_id=MULTI.id,
        due_date=date(2026, 3, 13),
        csv_text=HEADER + f"LCS400001,Riverside Locality Team,{PRIYA},{OMAR}\n",
        actor_id=None,
    )
    return report.created[0]


async def _invite(harness: BotHarness, assignment_id: int, agency: str = "health", label: str = "GP lead") -> str:
    """The partner link's path, made by the auditor from the audit card."""
    page = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": assignment_id})
    data = button_data(page, verbs.AUDIT_PARTNER_INVITE)
    link_card = await invoke(
        harness, AUDITOR, verbs.AUDIT_PARTNER_INVITE, {**data, "partner_agency": agency, "partner_label": label}
    )
    url = next(x["url"] for x in link_card["actions"] if x["type"] == "Action.OpenUrl")
    return "/partner/" + url.rsplit("/partner/", 1)[1]


async def _count(sessions: Any, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_auditor_invites_a_partner_who_completes_their_part_once(harness: BotHarness, sessions: Any) -> None:
    assignment_id = await _audit(harness, sessions)
    first = await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": assignment_id})
    assert "Invite a partner auditor" in card_text(first)
    assert "Parts not returned yet: Health, Police, Education" in card_text(first)
    # What the auditor typed on the page before inviting is kept in the draft.
    typed = {"partner_referral_findings": "MARF from school was clear and timely.", "page": 0}
    refused = await invoke(
        harness,
        AUDITOR,
        verbs.AUDIT_PARTNER_INVITE,
        {"assignment_id": assignment_id, **typed, "partner_agency": "health", "partner_label": "call 07700 900123"},
    )
    assert "phone number" in card_text(refused) and "MARF from school was clear" in card_text(refused)
    assert await _count(sessions, PartnerAuditLink) == 0

    path = await _invite(harness, assignment_id, label="hv.safeguarding@nhs.example.net")
    response = await harness.client.get(path)
    assert response.status == 200, await response.text()
    page = await response.text()
    assert '<html lang="en-GB">' in page and "Your agency&#x27;s part of a multi-agency audit" in page
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "SameSite=Strict" in response.headers["Set-Cookie"] and "Path=/partner/" in response.headers["Set-Cookie"]
    assert "LCS400001" not in page, "the public page never shows the case reference"
    data = page_data(page)
    labels = [n.get("label") for n in nodes(data["card"]) if str(n.get("type", "")).startswith("Input.")]
    assert "How good was your agency's practice for this child?" in labels and len(labels) == len(HEALTH_ANSWERS)

    accepted = await post_answers(harness.client, path, data["csrf"], HEALTH_ANSWERS)
    assert accepted.status == 200, await accepted.text()
    assert (await accepted.json())["state"] == "thanks"
    async with sessions() as session:
        part = await session.scalar(select(PartnerAuditPart))
    assert part is not None and part.agency == "health" and part.answers["health_scale"] == 7

    again = await post_answers(harness.client, path, data["csrf"], HEALTH_ANSWERS)
    assert again.status == 410 and (await again.json())["title"] == "This part has already been sent"
    reopened = await harness.client.get(path)
    assert reopened.status == 410 and "already been used" in await reopened.text()
    assert await _count(sessions, PartnerAuditPart) == 1

    shown = card_text(await invoke(harness, AUDITOR, verbs.AUDIT_OPEN, {"assignment_id": assignment_id}))
    assert "Health: returned by hv.safeguarding@nhs.example.net" in shown
    assert "Parts not returned yet: Police, Education" in shown


async def test_a_forged_expired_or_unprotected_post_changes_nothing(
    harness_factory: Any, sessions: Any, clock: Any
) -> None:
    harness = await harness_factory(feedback_rate_burst=100)  # many tries here; the limit is tested below
    assignment_id = await _audit(harness, sessions)
    path = await _invite(harness, assignment_id, agency="police", label="MASH sergeant")
    response = await harness.client.get(path)
    data = page_data(await response.text())
    police = {k: str(v) for k, v in partner_answers(MULTI.partner_sections(Agency.POLICE)).items()}

    no_csrf = await harness.client.post(path, json={"answers": police}, headers=same_origin(harness.client))
    assert no_csrf.status == 403 and (await no_csrf.json())["title"] == "Please reload the page"
    other_site = await post_answers(harness.client, path, data["csrf"], police, Origin="https://evil.example")
    assert other_site.status == 403
    harness.client.session.cookie_jar.clear()  # the page's cookie is gone: its token alone is refused
    without_cookie = await post_answers(harness.client, path, data["csrf"], police)
    assert without_cookie.status == 403

    tampered = path[:-2] + ("AB" if not path.endswith("AB") else "CD")
    for forged in (tampered, "/partner/not-a-token", "/partner/" + "A" * 43):
        page = await harness.client.get(forged)
        assert page.status == 404 and "This link isn&#x27;t working" in await page.text()
        posted = await post_answers(harness.client, forged, data["csrf"], police)
        assert posted.status == 404
    wrong_answers = await harness.client.get(path)
    fresh = page_data(await wrong_answers.text())
    bad = await post_answers(harness.client, path, fresh["csrf"], {**police, "police_scale": "12"})
    assert bad.status == 422 and (await bad.json())["fields"]

    clock.advance(timedelta(days=14, seconds=1))
    expired = await harness.client.get(path)
    assert expired.status == 410 and "This link has expired" in await expired.text()
    late = await post_answers(harness.client, path, fresh["csrf"], police)
    assert late.status == 410 and (await late.json())["title"] == "This link has expired"
    assert await _count(sessions, PartnerAuditPart) == 0
    async with sessions() as session:
        link = await session.scalar(select(PartnerAuditLink))
    assert link is not None and link.used_at is None


async def test_a_flood_of_guesses_is_slowed_with_a_kind_page(harness: BotHarness) -> None:
    statuses = [(await harness.client.get("/partner/" + f"{n:043d}")).status for n in range(12)]
    assert statuses[0] == 404 and statuses[-1] == 429
    busy = await harness.client.get("/partner/" + "B" * 43)
    assert busy.status == 429 and "Please wait a moment" in await busy.text() and busy.headers["Retry-After"]
