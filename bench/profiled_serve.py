"""``python -m qop serve`` under measurement, for ``bench.broadcast --profile DIR``.

Counts every SQL statement and commit the process sends (the app's engine and DBOS's system
database alike: the listener is on SQLAlchemy's ``Engine`` class), by the thread that sent it
and the statement's first words, times DBOS's claim steps (calls, wall and CPU time each), and
runs cProfile on the main thread (where the event loop runs the sends) with that thread's CPU
time as its clock. On a normal stop (SIGTERM) it writes ``<executor id>.prof`` and
``<executor id>-statements.txt`` into ``QOP_PROFILE_DIR``.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

statements: Counter[tuple[str, str]] = Counter()
commits: Counter[str] = Counter()


def _thread_kind() -> str:
    name = threading.current_thread().name
    return "main" if name == "MainThread" else re.sub(r"[-_ ]?\d+.*$", "", name) or name


def _shape(statement: str) -> str:
    return re.sub(r"\s+", " ", statement).strip()[:110]


@event.listens_for(Engine, "before_cursor_execute")
def _count_statement(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
    statements[(_thread_kind(), _shape(statement))] += 1


@event.listens_for(Engine, "commit")
def _count_commit(conn) -> None:  # type: ignore[no-untyped-def]
    commits[_thread_kind()] += 1


timings: dict[str, list[float]] = {}
"""Calls, wall seconds and thread CPU seconds of the DBOS queue's steps (``_time``)."""


def _time(owner: object, name: str) -> None:
    """Wrap ``owner.name`` to add up its calls, wall time and CPU time of the calling thread."""
    inner = getattr(owner, name)

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            totals = timings.setdefault(name, [0, 0.0, 0.0])
            totals[0] += 1
            totals[1] += time.perf_counter() - wall
            totals[2] += time.thread_time() - cpu

    setattr(owner, name, timed)


def _write(profiler: cProfile.Profile, folder: Path, name: str) -> None:
    profiler.disable()
    profiler.dump_stats(folder / f"{name}.prof")
    lines = [
        f"{name}: {n} calls, {1000 * wall / n:.1f} ms wall, {1000 * cpu / n:.1f} ms CPU each"
        for name, (n, wall, cpu) in timings.items()
    ]
    lines += [f"commits {kind}: {count}" for kind, count in commits.most_common()]
    lines += [f"{count:8d}  {kind:<12} {shape}" for (kind, shape), count in statements.most_common()]
    (folder / f"{name}-statements.txt").write_text("\n".join(lines) + "\n")


def main() -> None:
    folder = Path(os.environ["QOP_PROFILE_DIR"])
    profiler = cProfile.Profile(time.thread_time)  # CPU of the main thread, not waits for the GIL
    atexit.register(_write, profiler, folder, os.environ.get("QOP_EXECUTOR_ID", "qop"))
    from dbos import _queue
    from dbos._sys_db import SystemDatabase

    from qop.cli import main as qop_main

    for name in ("start_queued_workflows", "get_workflow_statuses", "get_queue_partitions", "get_queue"):
        _time(SystemDatabase, name)
    _time(_queue, "execute_dequeued_workflow")

    sys.argv = ["qop", *sys.argv[1:]]
    profiler.enable()
    qop_main()


if __name__ == "__main__":
    main()
