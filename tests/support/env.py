"""What the test machine offers, and the rule that CI may not skip a missing part."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED = PROJECT_ROOT.parent / "shared"
CARD_SCHEMA = SHARED / "schemas" / "adaptive-card-1.5.0.json"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    """Skip locally when a part is missing; fail under CI=true, where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is missing", pytrace=False)
    pytest.skip(f"{what} is not available here")


def node_path() -> str | None:
    return shutil.which("node")


def require_node_modules() -> str:
    node = node_path()
    require(node is not None and (PROJECT_ROOT / "node_modules" / "adaptivecards").exists(), "Node.js + npm ci")
    assert node is not None
    return node


def chromium_path() -> str | None:
    """Chromium named by CHROMIUM_PATH, else found on PATH."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
