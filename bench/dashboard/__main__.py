"""The dashboard's whole-service data against the bare SQL it sends, on SQLite or PostgreSQL.

    .venv/bin/python -m bench.dashboard [--database sqlite|postgresql] [--scale 1.0] [--repeat 11]

Fills a scratch database with five years of a large authority (``bench/dashboard/fill.py``: 200
teams, monthly figures for every indicator of every team, about a million stored answers at
``--scale 1``; ``--scale 0.1`` is a quick run with a tenth of the answers), then times, in the same
run, the dashboard's data for a QA lead's whole-service view (``DashboardService.dashboard`` and
the JSON the page renders, access log write included) against the same SELECT statements replayed
straight on the app's driver (aiosqlite or psycopg's async connection: no SQLAlchemy, no Python
after the fetch). Each repeat times both, in alternating order; the ratio is the median of the
pairs' ratios (goal <= 1.5x), with the middle half of them to show how steady it was, and the CPU
time of this process per operation on each side. The load average is printed at the start and the
end: this machine is shared, so compare ratios, not absolute times. The database is thrown away.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
import psycopg
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.dashboard.fill import Filler
from bench.inbound.database import scratch_database
from qop.dashboard_web import dashboard_json
from services.clock import FrozenClock
from services.dashboard import DashboardService
from services.measures import MeasuresService
from services.templates import TemplateLibrary
from storage import migrate
from storage.db import create_engine, create_session_factory

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # a Monday morning
TIME_ZONE = "Europe/London"
Statement = tuple[str, Any]


def dashboards_on(engine: AsyncEngine) -> DashboardService:
    """The dashboard service as ``qop.dashboard_web`` builds it."""
    sessions, clock, library = create_session_factory(engine), FrozenClock(NOW), TemplateLibrary.from_folder()
    measures = MeasuresService(sessions=sessions, clock=clock, library=library, time_zone=TIME_ZONE)
    return DashboardService(sessions=sessions, clock=clock, measures=measures, library=library, time_zone=TIME_ZONE)


async def render(dashboards: DashboardService, viewer: int) -> dict[str, Any]:
    """What ``/api/dashboard`` answers the viewer for their home (the whole service)."""
    return dashboard_json(await dashboards.dashboard(viewer))


async def capture(engine: AsyncEngine, work: Callable[[], Awaitable[object]]) -> list[Statement]:
    """The SELECTs one run of ``work`` sends, with their parameters as the driver got them."""
    statements: list[Statement] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await work()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


async def replay_sqlite(db: aiosqlite.Connection, statements: list[Statement]) -> None:
    for statement, parameters in statements:
        async with db.execute(statement, parameters) as cursor:
            await cursor.fetchall()


async def replay_postgresql(db: psycopg.AsyncConnection, statements: list[Statement]) -> None:
    for statement, parameters in statements:
        await (await db.execute(statement, parameters)).fetchall()


async def timed_pairs(
    bare: Callable[[], Awaitable[object]], app: Callable[[], Awaitable[object]], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each side per repeat, the two in alternating order so a burst of load
    from elsewhere on the machine hits a pair rather than one side."""
    times: dict[str, list[tuple[float, float]]] = {"bare": [], "app": []}
    sides = [("bare", bare), ("app", app)]
    for _ in range(3):  # warm both: the pool, the plans, psycopg's prepared statements
        await bare()
        await app()
    for number in range(repeat):
        for name, work in sides if number % 2 == 0 else reversed(sides):
            wall, cpu = time.perf_counter(), time.process_time()
            await work()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def report(statements: int, times: dict[str, list[tuple[float, float]]]) -> None:
    ratios = sorted(a[0] / b[0] for b, a in zip(times["bare"], times["app"], strict=True))
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    ms = {side: [statistics.median(t[i] for t in times[side]) * 1000 for i in (0, 1)] for side in times}
    print(
        f"whole service, {statements} queries: bare SQL {ms['bare'][0]:.1f} ms (CPU {ms['bare'][1]:.1f} ms/op), "
        f"dashboard data {ms['app'][0]:.1f} ms (CPU {ms['app'][1]:.1f} ms/op); "
        f"ratio {statistics.median(ratios):.2f}x (middle half {quartiles[0]:.2f}-{quartiles[2]:.2f}; goal <= 1.5x)"
    )


def load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


async def measure(url: str, kind: str, *, scale: float, repeat: int) -> None:
    engine = create_engine(url)
    try:
        start = time.perf_counter()
        filled = await Filler(engine, scale=scale, now=NOW).fill()
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
        print(
            f"{kind}: {filled.answers:,} stored answers, {filled.rows:,} rows in all (scale {scale}); "
            f"filled in {time.perf_counter() - start:.1f} s"
        )
        print(f"load average (1, 5, 15 min) at the start: {load()}")
        dashboards = dashboards_on(engine)
        app = partial(render, dashboards, filled.viewer_id)
        await app()
        statements = await capture(engine, app)
        if kind == "sqlite":
            async with aiosqlite.connect(url.split("///", 1)[1]) as db:
                times = await timed_pairs(partial(replay_sqlite, db, statements), app, repeat)
        else:
            async with await psycopg.AsyncConnection.connect(
                url.replace("postgresql+psycopg://", "postgresql://")
            ) as db:
                times = await timed_pairs(partial(replay_postgresql, db, statements), app, repeat)
        report(len(statements), times)
        print(f"load average (1, 5, 15 min) at the end: {load()}")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the million answers (0.1: a quick run)")
    parser.add_argument("--repeat", type=int, default=11)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_database(options.database, Path(folder)) as url:
        migrate.upgrade(url)
        asyncio.run(measure(url, options.database, scale=options.scale, repeat=options.repeat))


if __name__ == "__main__":
    main()
