"""The walking skeleton through Microsoft's Teams playground (run by test_playground.py in
a network namespace; ``pytest tests/e2e/isolated_playground.py`` runs it directly).

A newcomer installs qop in a personal chat and in a team, asks for help, says something
qop does not understand, asks for help in a channel, removes qop from the team; then the
bot restarts on the same database and still knows everything it learned."""

from __future__ import annotations

import pytest
from microsoft_agents.activity import ConversationReference
from microsoft_agents.hosting.core import TurnContext
from sqlalchemy import select

from bot.http import BOT_KEY
from qop.playground import RunningPlayground
from storage.db import create_engine
from storage.models import Conversation, Person
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, eventually

pytestmark = pytest.mark.e2e


async def _stored(bot: LiveBot) -> tuple[dict[str, Conversation], list[Person]]:
    engine = create_engine(bot.settings.database_url)
    try:
        async with engine.connect() as connection:
            conversations = (await connection.execute(select(Conversation))).all()
            people = (await connection.execute(select(Person))).all()
    finally:
        await engine.dispose()
    return {c.conversation_id: c for c in conversations}, list(people)


async def test_install_talk_uninstall_and_remember_across_a_restart(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        personal = config["personalChat"]["id"]
        team = config["teams"][0]
        general = next(c["id"] for c in team["channels"] if c["name"] == "General")
        me = config["currentUser"]

        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))

        await teams.say(personal, "help")
        help_card = card_text(await teams.next_card(personal))
        assert "What I can do" in help_card and "didn't understand" not in help_card

        await teams.say(personal, "what is the weather")
        puzzled = card_text(await teams.next_card(personal))
        assert "didn't understand \u201cwhat is the weather\u201d" in puzzled and "What I can do" in puzzled

        await teams.install(general)
        assert "qop has joined this team" in card_text(await teams.next_card(general))

        await teams.say(general, "help", mention_bot=True)
        assert "What I can do" in card_text(await teams.next_card(general))

        await teams.uninstall(general)

        async def channel_marked_uninstalled() -> bool:
            conversations, _ = await _stored(bot)
            return general in conversations and not conversations[general].installed

        await eventually(channel_marked_uninstalled, "removing qop from the team marks the channel uninstalled")

        await bot.stop()
        await bot.start()

        conversations, people = await _stored(bot)
        assert set(conversations) == {personal, general}
        chat, channel = conversations[personal], conversations[general]
        assert chat.kind == "personal" and chat.installed
        assert channel.kind == "channel" and not channel.installed and channel.name == team["name"]
        [alex] = [p for p in people if p.teams_user_id == me["id"]]
        assert alex.aad_object_id == me["aadObjectId"]
        assert chat.person_id == alex.id

        await teams.say(personal, "help")
        assert "What I can do" in card_text(await teams.next_card(personal)), "the restarted bot answers"

        await _send_proactively(bot, chat.reference, "A proactive hello from qop")
        message = await teams.next_message(personal)
        assert message.get("text") == "A proactive hello from qop"


async def _send_proactively(bot: LiveBot, reference: dict, text: str) -> None:
    """Through the stored reference only, as reminders and digests will."""
    assert bot.app is not None
    qop_bot = bot.app[BOT_KEY]
    continuation = ConversationReference.model_validate(reference).get_continuation_activity()

    async def say(context: TurnContext) -> None:
        await context.send_activity(text)

    await qop_bot.adapter.continue_conversation(qop_bot.settings.microsoft_app_id, continuation, say)
