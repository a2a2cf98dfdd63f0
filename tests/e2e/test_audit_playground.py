"""Runs the audit e2e (isolated_audit.py: the playground and headless Chromium) in its own network namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import isolated_network_available, report, run_module
from tests.support.env import chromium_path, require

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_an_audit_through_the_teams_playground_and_chromium() -> None:
    require_playground()
    require(chromium_path() is not None, "Chromium (apt-get install chromium)")
    completed = run_module(Path(__file__).with_name("isolated_audit.py"))
    assert completed.returncode == 0, report(completed)
    assert re.search(r"\b2 passed", completed.stdout) and "skipped" not in completed.stdout, report(completed)
    if isolated_network_available():
        assert completed.args[0] == "unshare", report(completed)
