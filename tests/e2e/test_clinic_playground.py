"""Runs the performance clinic e2e (isolated_clinic.py: a team's clinic, then the senior leadership
clinic's service pack, once on SQLite and once on PostgreSQL; the Teams playground and Chromium)
inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, require

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_team_and_service_clinics_through_the_teams_playground_and_chromium() -> None:
    require_playground()
    require(chromium_path() is not None, "Chromium (apt-get install chromium)")
    assert_module_passes_isolated("isolated_clinic.py", passed=2, timeout=240)
