"""The two bots under test as child processes, and the CPU time each has used."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.env import PROJECT_ROOT
from tests.support.instances import AppInstance, free_port

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Bot:
    """A bot under test: its name, where it listens, and its process id."""

    name: str
    url: str
    pid: int


def qop_instance(database_url: str, folder: Path, *, profile: Path | None = None) -> AppInstance:
    """``python -m qop serve`` in local no-auth mode (no MICROSOFT_APP_ID) on this database;
    with ``profile``, under cProfile, its statistics written there when it stops."""
    settings = {"DATABASE_URL": database_url, "MICROSOFT_APP_ID": ""}
    if profile is not None:
        return ProfiledQop("bench-qop", settings, folder, profile=profile.resolve())
    return AppInstance("bench-qop", settings, folder)


class ProfiledQop(AppInstance):
    """``python -m cProfile -o PATH -m qop serve``: aiohttp stops cleanly on SIGTERM (what
    ``stop`` sends), so cProfile gets to write its statistics."""

    def __init__(self, executor_id: str, env: dict[str, str], workdir: Path, *, profile: Path) -> None:
        super().__init__(executor_id, env, workdir)
        self.profile = profile

    def command(self) -> list[str]:
        return [sys.executable, "-m", "cProfile", "-o", str(self.profile), "-m", "qop", "serve"]


def load_demo(instance: AppInstance) -> None:
    """Migrate and load the demo organisation, as ``make run`` does, in the instance's environment."""
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(
            [sys.executable, "-m", "qop", *command],
            cwd=instance.workdir,
            env=instance.environment(),
            check=True,
            stdout=subprocess.DEVNULL,
        )


class EchoBot(AppInstance):
    """The bare SDK echo bot (``bench/inbound/echo_bot.py``), started and stopped like qop."""

    def __init__(self, folder: Path) -> None:
        super().__init__("bench-echo", {}, folder, port=free_port())

    async def start(self) -> None:
        log = (self.workdir / f"{self.executor_id}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: ASYNC220 - a long-lived child, not awaited
            [sys.executable, "-m", "bench.inbound.echo_bot", str(self.port)],
            cwd=PROJECT_ROOT,
            env=self.environment(),
            stdout=log,
            stderr=log,
        )
        log.close()
        await self._wait_ready()


def bot_of(name: str, instance: AppInstance) -> Bot:
    assert instance.process is not None
    return Bot(name, f"http://127.0.0.1:{instance.port}/api/messages", instance.process.pid)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far: from /proc, else psutil, else None
    (also None for a process that has gone)."""
    if Path("/proc/self/stat").exists():
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None  # gone (a database backend that closed, say)
        # The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        fields = text.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    try:
        import psutil  # type: ignore[import-not-found]
    except ImportError:
        return None
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)
