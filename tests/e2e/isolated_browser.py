"""The help card, rendered by the Teams playground's web UI in headless Chromium (run by
test_browser.py in a network namespace). The screenshot lands in test-artifacts/."""

from __future__ import annotations

import pytest

from qop.playground import RunningPlayground
from tests.e2e.browser import run_browser_script
from tests.e2e.isolation import assert_isolated_if_asked
from tests.support.env import ARTIFACTS, PROJECT_ROOT, chromium_path, require

pytestmark = pytest.mark.browser

SCRIPT = PROJECT_ROOT / "tests" / "e2e" / "browser_help_card.js"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_the_help_card_renders_in_the_playground_ui(playground: RunningPlayground) -> None:
    assert_isolated_if_asked()
    chromium = chromium_path()
    require(chromium is not None, "Chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "help-card.png"
    screenshot.unlink(missing_ok=True)

    result = await run_browser_script(SCRIPT, playground.url, screenshot, chromium=str(chromium))

    assert "What I can do" in result["cardText"]
    assert "help" in result["cardText"] and "Show what I can do" in result["cardText"]
    assert result["cardBox"]["width"] > 200 and result["cardBox"]["height"] > 80
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
