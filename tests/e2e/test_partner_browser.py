"""Runs the partner-auditor browser test (isolated_partner_browser.py) in its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, node_path, require

pytestmark = pytest.mark.browser


def test_a_partner_auditor_completes_their_part_on_a_phone_in_headless_chromium() -> None:
    require(node_path() is not None and chromium_path() is not None, "Node.js and Chromium")
    assert_module_passes_isolated("isolated_partner_browser.py", passed=1)
