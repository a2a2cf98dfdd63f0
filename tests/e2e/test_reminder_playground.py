"""Runs the reminder e2e (isolated_reminder.py) inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated

pytestmark = pytest.mark.e2e


def test_a_reminder_through_the_teams_playground() -> None:
    require_playground()
    assert_module_passes_isolated("isolated_reminder.py")
