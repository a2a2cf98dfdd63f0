"""Runs the extract-upload e2e (isolated_measures_upload.py) inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated

pytestmark = pytest.mark.e2e


def test_an_extract_sent_as_a_file_through_the_teams_playground() -> None:
    require_playground()
    assert_module_passes_isolated("isolated_measures_upload.py")
