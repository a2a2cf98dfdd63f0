"""Runs the Node scripts that look at qop in headless Chromium (the playground UI, the family page)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.support.env import PROJECT_ROOT, node_path


async def run_browser_script(
    script: Path, playground_url: str, screenshot: Path, *extra: str, chromium: str, within_seconds: float = 90
) -> dict[str, Any]:
    """Run ``script`` against the playground and return the JSON line it prints last."""
    return await run_node_script(
        script, playground_url, str(screenshot), *extra, chromium=chromium, within_seconds=within_seconds
    )


async def run_node_script(script: Path, *args: str, chromium: str, within_seconds: float = 90) -> dict[str, Any]:
    """Run a headless-Chromium Node script with only the system PATH (nothing but Node and
    Chromium needed) and return the JSON line it prints last; a non-zero exit fails the test."""
    process = await asyncio.create_subprocess_exec(
        str(node_path()),
        str(script),
        *args,
        cwd=PROJECT_ROOT,
        env={"CHROMIUM_PATH": chromium, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=within_seconds)
    assert process.returncode == 0, stderr.decode()[-3000:]
    return json.loads(stdout.decode().strip().splitlines()[-1])
