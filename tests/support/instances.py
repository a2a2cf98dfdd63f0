"""Real qop processes for tests and benchmarks that kill, restart or run several instances:
``python -m qop serve`` in a subprocess with its own settings, on a free port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.support.env import PROJECT_ROOT

READY_WITHIN = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class AppInstance:
    """One qop instance (``QOP_EXECUTOR_ID`` = ``executor_id``) with the given settings."""

    executor_id: str
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    module: str = "qop"
    """What ``python -m`` runs (a bench may wrap ``qop`` to measure it)."""

    def environment(self) -> dict[str, str]:
        """What the process runs with (also right for a ``python -m qop ...`` command beside it)."""
        return {
            **os.environ,
            "REMINDER_INTERVAL_SECONDS": "0",  # schedules off unless ``env`` turns one on
            "DIGEST_CHECK_SECONDS": "0",
            **self.env,
            "QOP_EXECUTOR_ID": self.executor_id,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PYTHONPATH": str(PROJECT_ROOT),
            "LOG_LEVEL": "WARNING",
        }

    def command(self) -> list[str]:
        """The process to start: ``python -m <module> serve``."""
        return [sys.executable, "-m", self.module, "serve"]

    async def start(self) -> None:
        log = (self.workdir / f"{self.executor_id}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: ASYNC220 - a long-lived child, not awaited
            self.command(),
            cwd=self.workdir,
            env=self.environment(),
            stdout=log,
            stderr=log,
        )
        log.close()
        await self._wait_ready()

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_WITHIN
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.process is not None and self.process.poll() is None, self.log_tail()
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.executor_id} did not become ready: {self.log_tail()}")

    def kill(self) -> None:
        """kill -9: no shutdown code runs, exactly like a crashed VM."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self) -> str:
        path = self.workdir / f"{self.executor_id}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"
