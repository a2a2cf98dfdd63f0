"""Runs the family-link browser test (isolated_feedback_browser.py) in its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, node_path, require

pytestmark = pytest.mark.browser


def test_a_family_link_works_on_a_phone_in_headless_chromium() -> None:
    require(node_path() is not None and chromium_path() is not None, "Node.js and Chromium")
    assert_module_passes_isolated("isolated_feedback_browser.py")


def test_a_family_answers_an_audits_links_on_a_phone_in_headless_chromium() -> None:
    require(node_path() is not None and chromium_path() is not None, "Node.js and Chromium")
    assert_module_passes_isolated("isolated_audit_family_browser.py")
