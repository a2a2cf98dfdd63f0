"""Runs the family-link browser test (isolated_feedback_browser.py) in its own network namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.isolation import isolated_network_available, report, run_module
from tests.support.env import chromium_path, node_path, require

pytestmark = pytest.mark.browser


def test_a_family_link_works_on_a_phone_in_headless_chromium() -> None:
    require(node_path() is not None and chromium_path() is not None, "Node.js and Chromium")
    completed = run_module(Path(__file__).with_name("isolated_feedback_browser.py"))
    assert completed.returncode == 0, report(completed)
    assert " passed" in completed.stdout and "skipped" not in completed.stdout, report(completed)
    if isolated_network_available():
        assert completed.args[0] == "unshare", report(completed)
