"""Runs the QIM e2e (isolated_qim.py, once on SQLite and once on PostgreSQL) inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated

pytestmark = pytest.mark.e2e


def test_the_qim_through_the_teams_playground() -> None:
    require_playground()
    assert_module_passes_isolated("isolated_qim.py", passed=2, timeout=240)
