"""The in-process benches still run: a few turns each on SQLite, their output in the shape the
READMEs quote. They measure nothing here (a short run on a busy machine proves no figure);
this only keeps them from rotting between the times someone measures with them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.support.env import PROJECT_ROOT


def _run(*arguments: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    finished = subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    return finished.stdout


@pytest.mark.parametrize("workload", ["execute", "submit"])
def test_profile_turn_counts_the_statements_and_profiles_a_save(workload: str) -> None:
    output = _run("bench.inbound.profile_turn", "--workload", workload, "--count", "5", "--top", "3")

    assert re.search(r"save draft \(Action\.(Execute|Submit)\): 6 statements in one turn", output), output
    assert "Python function calls per turn" in output
    replies = int(re.search(r"replies through the connector: (\d+)", output).group(1))  # type: ignore[union-attr]
    assert replies >= (5 + 5 if workload == "submit" else 0)


def test_layers_takes_a_save_apart() -> None:
    output = _run("bench.inbound.layers", "--count", "5")

    rows = dict(re.findall(r"^\| ([^|]+?) \| (-?[\d.]+) \|", output, re.MULTILINE))
    assert set(rows) == {
        "whole turn (HTTP, SDK, qop; with the client's share)",
        "first read (who spoke, where)",
        "the save (save_page: its transaction and page)",
        "the page card, built and encoded",
        "what is left of the whole turn (HTTP edge, SDK pipeline, event loop, client)",
    }, output
    assert all(float(value) > 0 for name, value in rows.items() if not name.startswith("what is left"))
