"""Runs the headless-Chromium test (isolated_browser.py) inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, require

pytestmark = pytest.mark.browser


def test_the_help_card_renders_in_headless_chromium() -> None:
    require_playground()
    require(chromium_path() is not None, "Chromium (apt-get install chromium)")
    assert_module_passes_isolated("isolated_browser.py")
