"""A broadcast through the whole app: the sender's progress card is posted in their chat and
then updated in place; its buttons answer only the sender."""

from __future__ import annotations

import json

from bot.http import BOT_KEY  # noqa: F401 - the app under test is the real one
from cards import verbs
from qop.app import SERVICES_KEY
from services.container import Services
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.delivery import eventually

SURVEY = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Practice survey"}]}


async def _install(harness: BotHarness, number: int) -> int:
    await harness.send(a.installation(harness.service_url, conversation=a.personal_chat(number), sender=a.user(number)))
    services: Services = harness.client.app[SERVICES_KEY]
    person = await services.conversations.person_for(
        __import__("services.teams_data").teams_data.TeamsUser(teams_user_id=f"29:user-{number}")
    )
    assert person is not None
    return person.id


async def test_the_sender_sees_the_progress_card_updated_in_place_and_can_use_its_buttons(harness: BotHarness) -> None:
    services: Services = harness.client.app[SERVICES_KEY]
    sender = await _install(harness, 1)
    recipients = [await _install(harness, n) for n in (2, 3, 4)]

    started = await services.delivery.start_broadcast(sender, recipients, SURVEY, title="Practice survey")

    async def finished_card():  # type: ignore[no-untyped-def]
        posted = [
            m for m in harness.connector.in_conversation("a:personal-1") if "Practice survey" in json.dumps(m.cards)
        ]
        return posted if posted and "Sent 3 of 3" in json.dumps(posted[-1].cards) else None

    progress_post, *updates = await eventually(finished_card, what="the progress card to reach 3 of 3")
    assert progress_post.method == "POST" and "Sent 0 of 3" in json.dumps(progress_post.cards)
    assert updates and {u.method for u in updates} == {"PUT"}
    assert {u.message_id for u in updates} == {progress_post.message_id}
    for number in (2, 3, 4):
        assert [m.cards for m in harness.connector.in_conversation(f"a:personal-{number}")][-1] == [SURVEY]

    refresh = a.card_action(harness.service_url, verbs.DELIVERY_REFRESH, {"broadcast_id": started.broadcast_id})
    answer = await harness.send(refresh)
    assert "Sent 3 of 3" in json.dumps(answer["value"])

    stranger = a.card_action(
        harness.service_url,
        verbs.DELIVERY_CANCEL,
        {"broadcast_id": started.broadcast_id},
        conversation=a.personal_chat(2),
        sender=a.user(2),
    )
    refused = await harness.send(stranger)
    assert "Only the person who started" in json.dumps(refused["value"])
    assert (await services.delivery.progress(started.broadcast_id)).status == "finished"
