"""Digests through Microsoft's Teams playground (run by test_digest_e2e.py in a network namespace).

The demo is loaded as `make run` loads it (which subscribes the playground's General channel); the
playground's user becomes the Riverside team's manager and installs qop in General, and the
digest of the last Monday arrives there through the delivery engine (a deliveries row with the
weekly run's key). Then the subscription commands, typed in the channel with an @mention as
people would. Finally the digest card is rendered by the playground's own web UI in headless
Chromium and screenshotted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qop.app import build_services
from qop.playground import RunningPlayground
from services.digest.demo import PLAYGROUND_CHANNEL_ID, load_demo_digest_data
from storage.db import create_engine
from storage.models import Delivery, DigestRun
from tests.e2e.browser import run_browser_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text
from tests.support.delivery import eventually
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.e2e

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_digest_card.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def load_demo(bot: LiveBot) -> None:
    engine = create_engine(bot.settings.database_url)
    try:
        services = build_services(bot.settings, engine)
        await services.demo.load()
        assert await load_demo_digest_data(services.sessions, services.clock, time_zone=bot.settings.timezone) > 0
        assert await services.digests.subscribe_demo_channel() is not None
    finally:
        await engine.dispose()


async def delivered_digests(bot: LiveBot) -> list[tuple[str, str, str | None]]:
    """(purpose, dedupe key, status) of each delivery recorded against a digest run."""
    engine = create_engine(bot.settings.database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Delivery.purpose, Delivery.dedupe_key, Delivery.status).join(
                    DigestRun, DigestRun.delivery_id == Delivery.id
                )
            )
            return [tuple(row) for row in rows]
    finally:
        await engine.dispose()


async def test_the_demo_channel_gets_its_digest_and_the_commands_work(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    await load_demo(bot)
    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        personal = config["personalChat"]["id"]
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")
        assert general == PLAYGROUND_CHANNEL_ID, "the demo subscribes the playground's General channel by its id"

        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))
        await teams.say(personal, "demo role team manager")
        assert "Riverside Locality Team" in card_text(await teams.next_card(personal))

        await teams.install(general)
        assert "qop has joined this team" in card_text(await teams.next_card(general))
        digest = card_text(await teams.next_card(general))
        assert "Weekly digest: Riverside Locality Team" in digest
        assert "What are we worried about, and why?" in digest and "Chart.Line" in digest
        assert "Demo: this channel is subscribed" in digest

        async def sent() -> list[tuple[str, str, str | None]]:
            # The card can reach the playground a moment before the engine records it as sent.
            return [row for row in await delivered_digests(bot) if row[2] == "sent"]

        [(purpose, key, _status)] = await eventually(sent, what="the digest's delivery marked sent")
        assert purpose == "digest" and key.startswith("digest:"), (purpose, key)

        await teams.say(general, "digest", mention_bot=True)
        assert "Every Monday at 08:00" in card_text(await teams.next_card(general))
        await teams.say(general, "digest weekly team Riverside Locality Team on Friday at 16:00", mention_bot=True)
        assert "Every Friday at 16:00" in card_text(await teams.next_card(general))
        await teams.say(general, "digest stop", mention_bot=True)
        assert "has stopped" in card_text(await teams.next_card(general))


async def test_the_digest_card_renders_in_the_playground_ui(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    await load_demo(bot)
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "digest-card.png"
    screenshot.unlink(missing_ok=True)
    # Opening the channel in the UI installs qop there: the welcome card, then the demo digest.
    result = await run_browser_script(SCRIPT, playground.url, screenshot, chromium=str(chromium))
    assert "Weekly digest: Riverside Locality Team" in result["cardText"]
    assert "What did we do well, and how?" in result["cardText"]
    assert result["cardBox"]["height"] > 300
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
