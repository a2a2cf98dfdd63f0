"""The QIM pack in the QIM channel through the whole app: everyone sees the members' view; the
chair's and the QA Head of Service's Teams clients refresh it to the chair's view (Universal
Actions, ``refresh.userIds``); the refresh verb answers with the chair's buttons only to someone
who holds the role now; a decision edits the posted pack for everyone; a member pressing a chair's
button is refused and nothing is saved."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select

from cards import verbs
from storage.models import AccessLogEntry, Conversation, QimDecision, RoleAssignment
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import give_roles, make_org
from tests.support.cards import button_data
from tests.support.delivery import eventually

CHAIR = a.user(6, name="Quinn Adams")  # made Service Director below
QA_HEAD = a.user(2, name="Maya Patel")  # made QA Head of Service below
ANALYST = a.user(5, name="Olivia Brown")  # a performance analyst: a member, not the chair
PRACTITIONER = a.user(1, name="Priya Shah")  # outside the QIM
CHAIR_BUTTONS = ("Record a decision", "Raise a service-level action")


def _text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def _has_chair_buttons(card: dict[str, Any]) -> bool:
    return any(button in _text(card) for button in CHAIR_BUTTONS)


async def _in_channel(
    harness: BotHarness, sender: dict[str, Any], verb: str, data: dict[str, Any], *, trigger: str = "manual"
) -> dict[str, Any]:
    """An Action.Execute invoke from the card in the QIM channel (``automatic``: Teams refreshing it)."""
    activity = a.card_action(harness.service_url, verb, data, sender=sender, conversation=a.channel("QIM"))
    activity["value"]["trigger"] = trigger
    body = await harness.send(activity)
    assert body["statusCode"] == 200
    return body["value"]


async def test_members_see_the_pack_without_the_chairs_buttons_and_the_chair_refreshes_to_them(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await give_roles(
        sessions,
        (org.qa_lead, "service_director"),
        (org.manager, "qa_head_of_service"),
        (org.outsider, "performance_analyst"),
    )
    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))
    qim_channel = a.channel("QIM")
    await harness.send(a.installation(harness.service_url, conversation=qim_channel, sender=CHAIR))
    await harness.send(a.message(harness.service_url, "qim pack", sender=CHAIR, conversation=qim_channel))
    async with sessions() as session:
        channel = await session.scalar(select(Conversation).where(Conversation.name == "QIM"))
    assert channel is not None

    async def posted_pack() -> dict[str, Any] | None:
        found = [
            card
            for message in harness.connector.in_conversation(channel.conversation_id)
            for card in message.cards
            if "QIM pack" in _text(card)
        ]
        return found[0] if found else None

    # What everyone in the channel sees: the members' view, naming who refreshes to the chair's view.
    posted = await eventually(posted_pack, what="the pack in the QIM channel")
    assert not _has_chair_buttons(posted) and "Open the full report" in _text(posted)
    assert "Multi-agency audits" in _text(posted)
    refresh = posted["refresh"]
    assert sorted(refresh["userIds"]) == sorted([CHAIR["id"], QA_HEAD["id"]])
    assert refresh["action"]["type"] == "Action.Execute" and refresh["action"]["verb"] == verbs.QIM_PACK
    refresh_data = refresh["action"]["data"]

    # The chair's and the QA Head of Service's clients refresh automatically: the chair's view,
    # still carrying the refresh so it stays theirs.
    for chair in (CHAIR, QA_HEAD):
        chairs_view = await _in_channel(harness, chair, verbs.QIM_PACK, refresh_data, trigger="automatic")
        assert _has_chair_buttons(chairs_view), chair["name"]
        assert chairs_view["refresh"] == refresh
    form = await _in_channel(harness, CHAIR, verbs.QIM_DECISION_FORM, button_data(chairs_view, verbs.QIM_DECISION_FORM))
    assert "Record a decision: QIM on 28 April 2026" in _text(form)

    # The chair records a decision from the card: the message in the channel is edited for everyone
    # (still the members' view, still refreshing for the chair and the QA Head of Service).
    wording = "Themed audit of management oversight in Q3."
    saved = await _in_channel(
        harness, CHAIR, verbs.QIM_DECISION_SAVE, {**button_data(form, verbs.QIM_DECISION_SAVE), "decision": wording}
    )
    assert "Decision recorded." in _text(saved)

    async def edited_pack() -> dict[str, Any] | None:
        edits = [
            m
            for m in harness.connector.in_conversation(channel.conversation_id)
            if m.method == "PUT" and wording in _text(m.activity)
        ]
        return edits[-1].cards[0] if edits else None

    edited = await eventually(edited_pack, what="the pack in the channel edited with the decision")
    assert not _has_chair_buttons(edited) and edited["refresh"] == refresh

    # A member who sends the refresh verb (the Refresh menu, or by hand) gets the members' view.
    members_view = await _in_channel(harness, ANALYST, verbs.QIM_PACK, refresh_data, trigger="automatic")
    assert not _has_chair_buttons(members_view) and "QIM pack: meeting on 28 April 2026" in _text(members_view)
    manual = await _in_channel(harness, ANALYST, verbs.QIM_PACK, refresh_data)
    assert not _has_chair_buttons(manual)
    # Someone outside the QIM is refused the pack altogether.
    outsider = await _in_channel(harness, PRACTITIONER, verbs.QIM_PACK, refresh_data, trigger="automatic")
    assert "for the members of the Quality Improvement Meeting" in _text(outsider)

    # A member pressing the chair's buttons (copied from the chair's view) is refused; nothing more is saved.
    decision = {**button_data(chairs_view, verbs.QIM_DECISION_FORM), "decision": "Close the front door."}
    for verb, data in (
        (verbs.QIM_DECISION_FORM, button_data(chairs_view, verbs.QIM_DECISION_FORM)),
        (verbs.QIM_ACTION_FORM, button_data(chairs_view, verbs.QIM_ACTION_FORM)),
        (verbs.QIM_DECISION_SAVE, decision),
    ):
        refused = await _in_channel(harness, ANALYST, verb, data)
        assert "Only the QIM's chair" in _text(refused), verb
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(QimDecision)) == 1, "the chair's only"
        refusals = await session.scalar(
            select(func.count())
            .select_from(AccessLogEntry)
            .where(AccessLogEntry.action == "refused", AccessLogEntry.actor_id == org.outsider)
        )
    assert refusals == 3

    # The refresh list is not trusted: once the chair's role is gone, their refresh is the members' view.
    async with sessions() as session, session.begin():
        await session.execute(
            delete(RoleAssignment).where(
                RoleAssignment.person_id == org.qa_lead, RoleAssignment.role == "service_director"
            )
        )
        session.add(RoleAssignment(person_id=org.qa_lead, role="head_of_service"))
    former_chair = await _in_channel(harness, CHAIR, verbs.QIM_PACK, refresh_data, trigger="automatic")
    assert not _has_chair_buttons(former_chair)
    assert former_chair["refresh"]["userIds"] == [QA_HEAD["id"]], "the refresh now names only who holds the role"


async def test_the_pack_in_a_chat_with_qop_shows_the_chairs_buttons_only_to_the_chair(
    harness: BotHarness, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    org = await make_org(sessions, teams_ids=True)
    await give_roles(sessions, (org.manager, "qa_head_of_service"), (org.outsider, "performance_analyst"))
    clock.set(datetime(2026, 4, 23, 8, 30, tzinfo=UTC))

    async def pack_for(sender: dict[str, Any], chat: int) -> dict[str, Any]:
        before = len(harness.connector.messages)
        await harness.send(a.message(harness.service_url, "qim", sender=sender, conversation=a.personal_chat(chat)))
        return harness.connector.messages[before:][0].cards[0]

    qa_head = await pack_for(QA_HEAD, 2)
    member = await pack_for(ANALYST, 5)
    assert _has_chair_buttons(qa_head) and not _has_chair_buttons(member)
    assert "refresh" not in qa_head and "refresh" not in member, "a private card is already the viewer's own"
