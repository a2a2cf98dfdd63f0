"""Runs one of the Node scripts that look at the playground UI in headless Chromium."""

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
    process = await asyncio.create_subprocess_exec(
        str(node_path()),
        str(script),
        playground_url,
        str(screenshot),
        *extra,
        cwd=PROJECT_ROOT,
        env={"CHROMIUM_PATH": chromium, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=within_seconds)
    assert process.returncode == 0, stderr.decode()[-3000:]
    return json.loads(stdout.decode().strip().splitlines()[-1])
