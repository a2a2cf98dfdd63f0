"""Runs the digest e2e (isolated_digest.py) inside its own network namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import isolated_network_available, report, run_module
from tests.support.env import chromium_path, require

pytestmark = pytest.mark.e2e


def test_digests_through_the_teams_playground_and_chromium() -> None:
    require_playground()
    require(chromium_path() is not None, "Chromium (apt-get install chromium)")
    completed = run_module(Path(__file__).with_name("isolated_digest.py"), timeout=240)
    assert completed.returncode == 0, report(completed)
    assert "2 passed" in completed.stdout and "skipped" not in completed.stdout, report(completed)
    if isolated_network_available():
        assert completed.args[0] == "unshare", report(completed)
