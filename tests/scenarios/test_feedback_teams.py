"""Practitioners in Teams: feedback links with a QR code, and a child's form completed together."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, update

from cards import verbs
from storage.models import AccessLogEntry, FeedbackLink, FeedbackResponse, Person, SafetyAlert
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import add_senior_manager, give_personal_chats, make_org
from tests.support.cards import button_data
from tests.support.delivery import eventually


def _card_of(invoke_body: dict[str, Any]) -> dict[str, Any]:
    assert invoke_body["type"] == "application/vnd.microsoft.card.adaptive", invoke_body
    return invoke_body["value"]


def _text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_a_practitioner_gets_a_link_with_a_qr_code_for_a_case(harness: BotHarness, sessions: Any) -> None:
    await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback link lcs123456 family-parent-carer"))

    [message] = harness.connector.messages
    card = message.cards[0]
    assert "Feedback link ready" in _text(card) and "LCS123456" in _text(card)
    [qr] = [e for e in card["body"] if e["type"] == "Image"]
    assert qr["url"].startswith("data:image/png;base64,") and qr["altText"]
    assert len(json.dumps(card).encode()) < 80 * 1024
    [open_link] = [x for x in card["actions"] if x["type"] == "Action.OpenUrl"]
    assert "/feedback/" in open_link["url"]
    async with sessions() as session:
        link = await session.scalar(select(FeedbackLink))
        logged = await session.scalar(select(AccessLogEntry).where(AccessLogEntry.record_type == "feedback link"))
    assert link.case_reference == "LCS123456" and link.template_key == "family-parent-carer"
    token = open_link["url"].rsplit("/", 1)[1]
    stored = [str(getattr(link, column.key)) for column in FeedbackLink.__table__.columns]
    assert not any(token in value for value in stored), "only the token's hash is stored"
    assert logged is not None


async def test_without_both_parts_the_command_asks_with_a_card(harness: BotHarness, sessions: Any) -> None:
    await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback link LCS123456"))
    card = harness.connector.messages[0].cards[0]
    assert "Ask a family or partner for feedback" in _text(card)
    body = await harness.send(
        a.card_action(
            harness.service_url,
            verbs.FEEDBACK_LINK_CREATE,
            {"verb": verbs.FEEDBACK_LINK_CREATE, "case_reference": "LCS123456", "template": "partner-agency"},
        )
    )
    assert "Feedback link ready" in _text(_card_of(body))
    assert "Complete it together now" not in _text(_card_of(body)), "partners are not handed a worker's device"


async def test_names_and_unknown_forms_are_refused_with_a_reason(harness: BotHarness, sessions: Any) -> None:
    await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback link Jamie family-parent-carer"))
    await harness.send(a.message(harness.service_url, "feedback link LCS123456 staff-pulse"))
    name_refusal, form_refusal = (m.cards[0] for m in harness.connector.messages)
    assert "doesn't look like a case reference" in _text(name_refusal)
    assert "I don't know that feedback form" in _text(form_refusal)
    async with sessions() as session:
        assert (await session.scalar(select(FeedbackLink))) is None


async def test_someone_outside_the_organisation_cannot_make_links(harness: BotHarness, sessions: Any) -> None:
    await make_org(sessions, teams_ids=False)
    await harness.send(a.message(harness.service_url, "feedback link LCS123456 family-parent-carer"))
    assert "can't find you in the organisation" in _text(harness.connector.messages[0].cards[0])


async def test_a_child_answers_with_their_worker_and_a_scared_answer_raises_a_safety_alert(
    harness: BotHarness, sessions: Any
) -> None:
    org = await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback with child LCS123456 family-child-under-8"))
    form = harness.connector.messages[0].cards[0]
    assert "Completing with your worker" in _text(form) and "😨 Scared" in _text(form)
    submit = next(x for x in form["actions"] if x["type"] == "Action.Execute")

    half = {**submit["data"], "feel_at_home": "scared"}
    body = await harness.send(a.card_action(harness.service_url, submit["verb"], half))
    again = _card_of(body)
    assert "need another look" in _text(again) and '"value": "scared"' in _text(again), "nothing typed is lost"

    full = {**half, "worker_kind": "kind", "feel_today": "sad"}
    done = _card_of(await harness.send(a.card_action(harness.service_url, submit["verb"], full)))
    assert "completed with worker" in _text(done) and "you and your manager have been alerted" in _text(done)
    async with sessions() as session:
        response = await session.scalar(select(FeedbackResponse))
        alert = await session.scalar(select(SafetyAlert))
    assert response.channel == "with_worker" and response.case_reference == "LCS123456"
    assert response.worker_id == org.practitioner and response.respondent_id is None
    assert alert.worker_id == org.practitioner and alert.manager_id == org.manager
    assert alert.triggers == {"At home I feel…": "😨 Scared"}

    async def both_alerted() -> list[Any] | None:
        cards = [m for m in harness.connector.messages if "Safety alert" in _text(m.cards[0] if m.cards else {})]
        return cards if len(cards) >= 2 else None

    alerts = await eventually(both_alerted, what="the alert to the worker and the manager")
    assert sorted(m.conversation_id for m in alerts) == ["a:1on1-29:user-2", "a:personal-1"]
    assert all("LCS123456" in _text(m.cards[0]) for m in alerts)
    async with sessions() as session:
        assert (await session.scalar(select(SafetyAlert))).notified_at is not None


async def test_the_link_card_button_opens_the_form_for_the_child(harness: BotHarness, sessions: Any) -> None:
    await make_org(sessions, teams_ids=True)
    await harness.send(a.message(harness.service_url, "feedback link LCS123456 family-child-8-12"))
    link_card = harness.connector.messages[0].cards[0]
    together = button_data(link_card, verbs.FEEDBACK_HANDOVER_OPEN)
    form = _card_of(await harness.send(a.card_action(harness.service_url, verbs.FEEDBACK_HANDOVER_OPEN, together)))
    assert "Tell us what you think" in _text(form) and "How safe do you feel where you live?" in _text(form)


@pytest.mark.parametrize("senior_manager", [True, False], ids=["senior-manager", "qa-lead"])
async def test_with_the_manager_gone_a_childs_safety_alert_goes_to_those_above(
    harness: BotHarness, sessions: Any, senior_manager: bool
) -> None:
    """A manager who has left is deactivated, not deleted: the alert must not go to them (nor be
    lost), but to the senior managers of the worker's area, else the QA lead."""
    org = await make_org(sessions, teams_ids=True)
    senior = await add_senior_manager(sessions) if senior_manager else None
    chats = await give_personal_chats(sessions, harness.service_url)
    async with sessions() as session, session.begin():
        await session.execute(update(Person).where(Person.id == org.manager).values(active=False))

    await harness.send(a.message(harness.service_url, "feedback with child LCS123456 family-child-under-8"))
    form = harness.connector.messages[0].cards[0]
    submit = next(x for x in form["actions"] if x["type"] == "Action.Execute")
    answers = {**submit["data"], "feel_at_home": "scared", "worker_kind": "kind", "feel_today": "sad"}
    await harness.send(a.card_action(harness.service_url, submit["verb"], answers))

    told = senior if senior is not None else org.qa_lead

    async def alerted() -> list[Any] | None:
        cards = [m for m in harness.connector.messages if m.cards and "Safety alert" in _text(m.cards[0])]
        return cards if len(cards) >= 2 else None

    alerts = await eventually(alerted, what="the alert to the worker and the person above")
    assert sorted(m.conversation_id for m in alerts) == sorted(
        [harness.connector.messages[0].conversation_id, chats[told]]
    )
    assert chats[org.manager] not in {m.conversation_id for m in harness.connector.messages}
    async with sessions() as session:
        alert = await session.scalar(select(SafetyAlert))
    assert alert.worker_id == org.practitioner and alert.manager_id is None and alert.notified_at is not None
