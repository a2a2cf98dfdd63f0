"""The organisation through Microsoft's Teams playground (run by test_organisation_playground.py
in a network namespace; ``pytest tests/e2e/isolated_organisation.py`` runs it directly).

The playground's own user, Alex Wilber, is a practitioner in the demo organisation: qop knows
them by their AAD object id. As a practitioner Alex cannot link the team's channel; after
``demo role manager`` they manage Riverside Locality Team and can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from storage.db import create_engine
from storage.models import Conversation, Team
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text

pytestmark = pytest.mark.e2e


async def _linked_team(bot: LiveBot, conversation_id: str) -> str | None:
    engine = create_engine(bot.settings.database_url)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    select(Team.name)
                    .join(Conversation, Conversation.linked_team_id == Team.id)
                    .where(Conversation.conversation_id == conversation_id)
                )
            ).first()
    finally:
        await engine.dispose()
    return row[0] if row else None


async def test_whoami_and_linking_a_channel_through_the_playground(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    loaded = await bot.app[SERVICES_KEY].demo.load()
    assert loaded.rejections == []

    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        personal = config["personalChat"]["id"]
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")

        await teams.install(personal)
        await teams.next_card(personal)  # welcome
        await teams.say(personal, "whoami")
        me = card_text(await teams.next_card(personal))
        assert "Alex Wilber" in me and "Riverside Locality Team" in me
        assert "practitioner" in me and "Megan Bowen" in me and "not matched" not in me

        await teams.install(general)
        await teams.next_card(general)  # welcome
        await teams.say(general, "link", mention_bot=True)
        assert "not linked to a team yet" in card_text(await teams.next_card(general))

        await teams.say(general, "link team Riverside", mention_bot=True)
        assert "Only an administrator, the team's manager" in card_text(await teams.next_card(general))
        assert await _linked_team(bot, general) is None

        await teams.say(personal, "demo role manager")
        assert "You now manage Riverside Locality Team" in card_text(await teams.next_card(personal))

        await teams.say(general, "link team Riverside", mention_bot=True)
        assert "now belongs to the Riverside Locality Team (Locality social work)" in card_text(
            await teams.next_card(general)
        )
        await teams.say(general, "link", mention_bot=True)
        shown = card_text(await teams.next_card(general))
        assert "belongs to the Riverside Locality Team" in shown and "Alex Wilber" in shown
        assert await _linked_team(bot, general) == "Riverside Locality Team"
