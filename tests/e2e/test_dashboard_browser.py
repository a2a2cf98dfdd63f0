"""Runs the dashboard tab browser test (isolated_dashboard_browser.py) in its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, node_path, require

pytestmark = pytest.mark.browser


def test_the_dashboard_tab_shows_each_role_its_figures_in_headless_chromium() -> None:
    require(node_path() is not None and chromium_path() is not None, "Node.js and Chromium")
    assert_module_passes_isolated("isolated_dashboard_browser.py", passed=1, timeout=240)
