"""Run an e2e module in its own network namespace, where only loopback exists.

The playground and Chromium would otherwise try the internet (telemetry, fonts, metadata
addresses). Inside ``unshare -n`` nothing but 127.0.0.1 is reachable, by construction, and
no port can collide with another suite running on this machine. The module runs in a child
pytest, with the bot, the playground and the browser all inside the same namespace."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.env import PROJECT_ROOT

INSIDE = "QOP_E2E_ISOLATED"


def isolated_network_available() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, timeout=10, check=False
    )
    return probe.returncode == 0


def run_module(module: Path, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the tests of ``module`` in a child pytest, inside a fresh network namespace when
    this machine allows one (root or user namespaces), else directly."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(module)]
    env = dict(os.environ)
    if isolated_network_available():
        command = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
        env[INSIDE] = "1"
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def report(completed: subprocess.CompletedProcess[str]) -> str:
    isolated = "inside its own network namespace" if completed.args[0] == "unshare" else "WITHOUT network isolation"
    return f"child pytest ran {isolated}, exit {completed.returncode}\n{completed.stdout[-6000:]}{completed.stderr[-3000:]}"


def assert_module_passes_isolated(module: str, *, passed: int | None = None, timeout: float = 120) -> None:
    """Run the e2e module ``module`` (a file next to this one) through :func:`run_module` and
    prove it passed: exit 0, a pass count in pytest's summary (exactly ``passed`` when given)
    and no skip, since a skipped e2e check called passing would prove nothing; and, where this
    machine has network namespaces, that it really ran inside one."""
    completed = run_module(Path(__file__).with_name(module), timeout=timeout)
    assert completed.returncode == 0, report(completed)
    count = r"\d+" if passed is None else str(passed)
    assert re.search(rf"\b{count} passed", completed.stdout), report(completed)
    assert "skipped" not in completed.stdout, report(completed)
    if isolated_network_available():
        assert completed.args[0] == "unshare", report(completed)


def assert_isolated_if_asked() -> None:
    """Inside the namespace, prove it: the only network interface is loopback."""
    if os.environ.get(INSIDE) == "1":
        interfaces = sorted(name for _index, name in socket.if_nameindex())
        assert interfaces == ["lo"], f"expected only loopback inside the namespace, found {interfaces}"
