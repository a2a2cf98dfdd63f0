"""Runs the survey e2e (isolated_survey.py: several playground users) in its own network namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import isolated_network_available, report, run_module

pytestmark = pytest.mark.e2e


def test_a_staff_survey_through_the_teams_playground() -> None:
    require_playground()
    completed = run_module(Path(__file__).with_name("isolated_survey.py"))
    assert completed.returncode == 0, report(completed)
    assert " passed" in completed.stdout and "skipped" not in completed.stdout, report(completed)
    if isolated_network_available():
        assert completed.args[0] == "unshare", report(completed)
