"""Runs the organisation e2e (isolated_organisation.py) inside its own network namespace."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_playground
from tests.e2e.isolation import assert_module_passes_isolated
from tests.support.env import chromium_path, require

pytestmark = pytest.mark.e2e


def test_whoami_and_channel_linking_through_the_teams_playground() -> None:
    require_playground()
    assert_module_passes_isolated("isolated_organisation.py")


@pytest.mark.browser
def test_the_whoami_card_renders_in_the_playground_ui() -> None:
    require_playground()
    # Before the child run, which must skip nothing: without Chromium this skips (fails in CI).
    require(chromium_path() is not None, "Chromium (apt-get install chromium)")
    assert_module_passes_isolated("isolated_whoami_browser.py")
