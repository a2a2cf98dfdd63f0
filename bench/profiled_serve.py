"""``python -m qop serve`` under measurement, for ``bench.broadcast --profile DIR``.

Counts every SQL statement and commit the process sends (the app's engine and DBOS's system
database alike: the listener is on SQLAlchemy's ``Engine`` class), by the thread that sent it
and the statement's first words, and runs cProfile on the main thread (where the event loop runs
the sends). On a normal stop (SIGTERM) it writes ``<executor id>.prof`` and
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


def _write(profiler: cProfile.Profile, folder: Path, name: str) -> None:
    profiler.disable()
    profiler.dump_stats(folder / f"{name}.prof")
    lines = [f"commits {kind}: {count}" for kind, count in commits.most_common()]
    lines += [f"{count:8d}  {kind:<12} {shape}" for (kind, shape), count in statements.most_common()]
    (folder / f"{name}-statements.txt").write_text("\n".join(lines) + "\n")


def main() -> None:
    folder = Path(os.environ["QOP_PROFILE_DIR"])
    profiler = cProfile.Profile(time.thread_time)  # CPU of the main thread, not waits for the GIL
    atexit.register(_write, profiler, folder, os.environ.get("QOP_EXECUTOR_ID", "qop"))
    from qop.cli import main as qop_main

    sys.argv = ["qop", *sys.argv[1:]]
    profiler.enable()
    qop_main()


if __name__ == "__main__":
    main()
