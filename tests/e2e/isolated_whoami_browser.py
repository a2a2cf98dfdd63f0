"""The whoami card, rendered by the Teams playground's web UI in headless Chromium (run by
test_organisation_playground.py in a network namespace). The screenshot lands in test-artifacts/."""

from __future__ import annotations

import pytest

from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from tests.e2e.browser import run_browser_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.browser

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_help_card.js"


async def test_the_whoami_card_renders_for_the_playground_user(bot: LiveBot, playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    assert bot.app is not None
    await bot.app[SERVICES_KEY].demo.load()
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "whoami-card.png"
    screenshot.unlink(missing_ok=True)

    result = await run_browser_script(
        SCRIPT, playground.url, screenshot, "whoami", "Who I think you are", chromium=str(chromium)
    )

    text = result["cardText"]
    assert "Alex Wilber" in text and "Riverside Locality Team" in text and "Megan Bowen" in text
    assert "practitioner" in text
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
