"""The QIM through the whole app: the chair posts the pack in the QIM channel, records decisions and
raises service-level actions from cards; members open the full report from the pack; someone
outside the QIM is refused (and logged); a decision changed after the meeting keeps the original;
an owner sends their monthly update; the half-year report opens from its link."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from cards import verbs
from qop.app import SERVICES_KEY
from services.container import Services
from storage.models import (
    AccessLogEntry,
    Action,
    AssuranceUpdate,
    Conversation,
    QimDecision,
    QimDecisionChange,
)
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import give_roles, make_org
from tests.support.cards import button_data
from tests.support.delivery import eventually

CHAIR = a.user(6, name="Quinn Adams")  # made Service Director below
ANALYST = a.user(5, name="Olivia Brown")  # a performance analyst
OWNER = a.user(2, name="Maya Patel")
PRACTITIONER = a.user(1, name="Priya Shah")


def _text(card: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(card, ensure_ascii=False)


async def _say(harness: BotHarness, sender: dict, text: str, conversation: dict) -> dict:  # type: ignore[type-arg]
    before = len(harness.connector.messages)
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=conversation))
    here = conversation["id"].split(";", 1)[0]
    replies = [m for m in harness.connector.messages[before:] if m.cards and m.conversation_id.startswith(here)]
    return replies[0].cards[0]


async def test_the_chair_runs_the_qim_from_cards_and_members_open_the_report(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await give_roles(sessions, (org.qa_lead, "service_director"), (org.outsider, "performance_analyst"))
    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))  # five days before the QIM of 28 April
    qim_channel = a.channel("QIM")
    await harness.send(a.installation(harness.service_url, conversation=qim_channel, sender=CHAIR))

    refused = await _say(harness, PRACTITIONER, "qim", a.personal_chat(1))
    assert "for the members of the Quality Improvement Meeting" in _text(refused)
    not_chair = await _say(harness, ANALYST, "qim pack", qim_channel)
    assert "Only the QIM's chair" in _text(not_chair)
    posted = await _say(harness, CHAIR, "qim pack", qim_channel)
    assert "posted in this channel" in _text(posted)
    async with sessions() as session:
        channel = await session.scalar(select(Conversation).where(Conversation.name == "QIM"))
        refusals = list(
            await session.scalars(select(AccessLogEntry.actor_id).where(AccessLogEntry.action == "refused"))
        )
    assert channel is not None and sorted(refusals) == sorted([org.practitioner, org.outsider])

    # The scheduled pass posts the meeting's pack to the channel once, through the delivery engine.
    app_services: Services = harness.client.app[SERVICES_KEY]
    assert await app_services.qim.run_due() == ["qim-pack:2026-04-28"]
    assert await app_services.qim.run_due() == []

    async def packs_in_channel():  # type: ignore[no-untyped-def]
        found = [
            m for m in harness.connector.in_conversation(channel.conversation_id) if "QIM pack" in json.dumps(m.cards)
        ]
        return found if len(found) == 2 else None

    assert len(await eventually(packs_in_channel, what="the chair's pack and the scheduled pack")) == 2

    pack = await _say(harness, CHAIR, "qim", a.personal_chat(6))
    assert "QIM pack: meeting on 28 April 2026" in _text(pack) and "Record a decision" in _text(pack)

    # A decision: an empty one comes back; a real one is recorded.
    form = await harness.press(CHAIR, verbs.QIM_DECISION_FORM, button_data(pack, verbs.QIM_DECISION_FORM), chat=6)
    again = await harness.press(
        CHAIR, verbs.QIM_DECISION_SAVE, {**button_data(form, verbs.QIM_DECISION_SAVE), "decision": " "}, 6
    )
    assert "Write the decision." in _text(again)
    wording = "Themed audit of management oversight in Q3."
    decisions = await harness.press(
        CHAIR, verbs.QIM_DECISION_SAVE, {**button_data(again, verbs.QIM_DECISION_SAVE), "decision": wording}, 6
    )
    assert "Decision recorded." in _text(decisions) and wording in _text(decisions)

    # A service-level action: no owner and no due date come back with what was typed; then it is raised.
    action_form = await harness.press(CHAIR, verbs.QIM_ACTION_FORM, button_data(pack, verbs.QIM_ACTION_FORM), 6)
    what = {"description": "Audit oversight of every child protection plan"}
    missing = await harness.press(
        CHAIR, verbs.QIM_ACTION_SAVE, {**button_data(action_form, verbs.QIM_ACTION_SAVE), **what}, 6
    )
    assert "needs an owner" in _text(missing) and "needs a due date" in _text(missing)
    assert what["description"] in _text(missing)
    raised = await harness.press(
        CHAIR,
        verbs.QIM_ACTION_SAVE,
        {
            **button_data(missing, verbs.QIM_ACTION_SAVE),
            **what,
            "owner_email": "maya@council.example.gov.uk",
            "due_date": "2026-07-31",
            "priority_id": "none",
        },
        6,
    )
    assert "raised for Maya Patel" in _text(raised)
    async with sessions() as session:
        action = await session.scalar(select(Action))
    assert action is not None and action.source == "qim" and action.owner_id == org.manager

    # A member opens the full report from the pack: their own link, the assurance sections in it.
    member_pack = await _say(harness, ANALYST, "qim", a.personal_chat(5))
    assert "Record a decision" not in _text(member_pack)
    link = await harness.press(ANALYST, verbs.REPORT_QIM_LINK, button_data(member_pack, verbs.REPORT_QIM_LINK), 5)
    url = link["actions"][0]["url"]
    page = await harness.client.get("/reports/qim?" + url.split("?", 1)[1])
    assert page.status == 200
    assert "Service-level actions" in await page.text() and what["description"] in await page.text()
    outsider = await harness.press(PRACTITIONER, verbs.REPORT_QIM_LINK, {"args": "2026Q1"}, 1)
    assert "for the members of the Quality Improvement Meeting" in _text(outsider)

    # The owner's monthly update; a missing RAG brings the card back.
    update = {"kind": "action", "subject_id": action.id, "month": "2026-05", "progress": "Sampled 12 plans."}
    no_rag = await harness.press(OWNER, verbs.ASSURANCE_SAVE, update, 2)
    assert "Choose green, amber or red." in _text(no_rag) and "Sampled 12 plans." in _text(no_rag)
    saved = await harness.press(OWNER, verbs.ASSURANCE_SAVE, {**update, "rag": "amber"}, 2)
    assert "update is recorded" in _text(saved)

    # After the meeting the chair corrects the decision: the original stays, the change is recorded.
    clock.set(datetime(2026, 4, 30, 8, 30, tzinfo=UTC))
    listed = await harness.press(CHAIR, verbs.QIM_DECISIONS, button_data(pack, verbs.QIM_DECISIONS), 6)
    edit = await harness.press(CHAIR, verbs.QIM_DECISION_FORM, button_data(listed, verbs.QIM_DECISION_FORM), 6)
    assert "The meeting is over" in _text(edit)
    changed = await harness.press(
        CHAIR,
        verbs.QIM_DECISION_SAVE,
        {**button_data(edit, verbs.QIM_DECISION_SAVE), "decision": wording + " Led by the PSW."},
        6,
    )
    assert f"Originally: {wording}" in _text(changed) and "(after the meeting)" in _text(changed)
    async with sessions() as session:
        [change] = list(await session.scalars(select(QimDecisionChange)))
        [row] = list(await session.scalars(select(AssuranceUpdate)))
    assert (change.changed_by_id, change.before, change.after_meeting) == (org.qa_lead, wording, True)
    assert (row.rag, row.author_id, row.action_id) == ("amber", org.manager, action.id)

    # The bi-annual report: a link for the half-year, with the comparison sheet.
    clock.set(datetime(2026, 7, 6, 8, 30, tzinfo=UTC))
    half = await _say(harness, ANALYST, "report half", a.personal_chat(5))
    assert "Half-year quality of practice report: the whole service, 2026H1" in _text(half)
    page = await harness.client.get("/reports/qim?" + half["actions"][0]["url"].split("?", 1)[1])
    assert page.status == 200 and "Against last half-year" in await page.text()


async def test_bad_card_data_gets_a_friendly_card_and_saves_nothing(harness: BotHarness, sessions, clock) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await give_roles(sessions, (org.qa_lead, "service_director"))
    clock.set(datetime(2026, 4, 28, 8, 30, tzinfo=UTC))
    pack = await _say(harness, CHAIR, "qim", a.personal_chat(6))
    meeting = button_data(pack, verbs.QIM_DECISION_FORM)["meeting_id"]
    cases = [
        (verbs.QIM_DECISION_FORM, {"meeting_id": "abc"}),
        (verbs.QIM_DECISION_FORM, {"meeting_id": 2**70}),
        (verbs.QIM_DECISION_FORM, {"meeting_id": 999999}),
        (verbs.QIM_DECISION_FORM, {"meeting_id": meeting, "decision_id": 999999}),
        (verbs.QIM_DECISION_SAVE, {"meeting_id": meeting, "decision": ["a", "list"]}),
        (verbs.QIM_DECISION_SAVE, {"meeting_id": meeting, "decision": "x" * 5000}),
        (verbs.QIM_ACTION_SAVE, {"meeting_id": meeting, "description": "A", "owner_email": "a@b", "due_date": "31/07"}),
        (verbs.QIM_ACTION_SAVE, {"meeting_id": meeting, "description": "A", "priority_id": "seven"}),
        (verbs.QIM_DECISIONS, {}),
        (verbs.ASSURANCE_SAVE, {"kind": "other", "subject_id": 1, "month": "2026-05"}),
        (
            verbs.ASSURANCE_SAVE,
            {"kind": "action", "subject_id": 999999, "month": "2026-05", "progress": "x", "rag": "red"},
        ),
        (verbs.ASSURANCE_SAVE, {"kind": "priority", "subject_id": "x", "month": "2026-13"}),
    ]
    for verb, data in cases:
        answer = _text(await harness.press(CHAIR, verb, data, 6))
        assert "Something went wrong" not in answer and "ERR-" not in answer, (verb, data, answer[:300])
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Action)) == 0
        assert await session.scalar(select(func.count()).select_from(QimDecision)) == 0
