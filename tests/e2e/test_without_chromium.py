"""A fresh clone on a machine without Chromium: the browser tests skip, and under CI=true fail.

A child pytest runs in a clean environment whose PATH holds only the tools the suite needs
(Python, Node, unshare, ip, sh) and no Chromium, with CHROMIUM_PATH unset: the suite still
collects, the browser tests skip with a reason, and with CI=true the same tests fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.env import PROJECT_ROOT

BROWSER_TESTS = [  # one test each: the assertions count them
    "tests/e2e/test_organisation_playground.py::test_the_whoami_card_renders_in_the_playground_ui",
    "tests/e2e/test_browser.py",
    "tests/e2e/test_feedback_browser.py::test_a_family_link_works_on_a_phone_in_headless_chromium",
    "tests/e2e/test_feedback_browser.py::test_a_family_answers_an_audits_links_on_a_phone_in_headless_chromium",
    "tests/e2e/test_partner_browser.py",
    "tests/e2e/test_audit_playground.py",
    "tests/e2e/test_digest_e2e.py",
    "tests/e2e/test_clinic_playground.py",
]
TOOLS = ("node", "npm", "npx", "unshare", "ip", "sh", "env")


@pytest.fixture
def path_without_chromium(tmp_path: Path) -> str:
    """A PATH directory with links to the suite's tools and none to Chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def _child_pytest(path: str, *args: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("CHROMIUM_PATH", "CI", "QOP_E2E_ISOLATED")}
    env["PATH"] = path
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *args]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_suite_collects_without_chromium(path_without_chromium: str) -> None:
    completed = _child_pytest(path_without_chromium, "--collect-only", "tests", ci=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
    assert "error" not in completed.stdout.lower().split("collected")[-1], completed.stdout[-3000:]


def test_browser_tests_skip_without_chromium_outside_ci(path_without_chromium: str) -> None:
    completed = _child_pytest(path_without_chromium, *BROWSER_TESTS, ci=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    assert f"{len(BROWSER_TESTS)} skipped" in completed.stdout, output[-4000:]
    assert "failed" not in completed.stdout and "passed" not in completed.stdout, output[-4000:]


def test_browser_tests_fail_without_chromium_under_ci(path_without_chromium: str) -> None:
    completed = _child_pytest(path_without_chromium, *BROWSER_TESTS, ci=True)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output[-4000:]
    assert f"{len(BROWSER_TESTS)} failed" in completed.stdout, output[-4000:]
    assert "required under CI=true but is missing" in completed.stdout, output[-4000:]
