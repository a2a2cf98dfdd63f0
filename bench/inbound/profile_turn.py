"""One workload's turns through qop in this process: the SQL each sends, and where the CPU goes.

    .venv/bin/python -m bench.inbound.profile_turn                       # Action.Execute save, SQLite
    .venv/bin/python -m bench.inbound.profile_turn --workload submit --database postgresql
    .venv/bin/python -m bench.inbound.profile_turn --statements          # print every statement

A companion to ``python -m bench.inbound`` for finding what to change, not for quoting: qop
runs in this process (``create_app`` on an aiohttp test server, the demo loaded as ``make run``
does) and the client posting to it shares the process, so the CPU figure here includes the
client's share. After a warm-up it prints the statements one turn sends to the database, the
CPU per turn of ``--count`` turns without the profiler, then the same turns under cProfile:
the functions that take most time of their own, and the time by package.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp.test_utils import TestClient
from sqlalchemy import event

from bench.inbound.in_process import demo_app
from bench.inbound.workloads import ALEX_CHAT, WORKLOADS
from qop.app import ENGINE_KEY

WARM_UP = 20
BATCHES = 5


@contextmanager
def statements_of(client: TestClient) -> Iterator[list[str]]:
    """Every statement the app sends to its database meanwhile."""
    engine = client.server.app[ENGINE_KEY].sync_engine
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def run(options: argparse.Namespace) -> None:
    workload = next(w for w in WORKLOADS if w.key == options.workload)
    async with demo_app(options.database, "profile-turn") as demo:
        client, fake, assignment_id = demo.client, demo.connector, demo.assignment_id

        async def turn() -> None:
            response = await client.post("/api/messages", json=workload.build(fake.service_url, assignment_id))
            assert response.status in (200, 202), await response.text()
            await response.read()

        for _ in range(WARM_UP):
            await turn()
        with statements_of(client) as sent:
            await turn()
        print(f"{workload.name}: {len(sent)} statements in one turn")
        for statement in sent if options.statements else ():
            print("  ", statement[:240])
        per_turn = []
        for _ in range(BATCHES):
            cpu = time.process_time()
            for _ in range(options.count // BATCHES):
                await turn()
            per_turn.append((time.process_time() - cpu) / (options.count // BATCHES) * 1000)
        print(
            f"{options.count} turns one at a time, CPU per turn (qop and the client) in {BATCHES} batches: "
            f"median {statistics.median(per_turn):.1f} ms, best {min(per_turn):.1f} ms "
            f"({', '.join(f'{cpu:.1f}' for cpu in per_turn)}); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(options.count):
            await turn()
        profiler.disable()
    _report(profiler, options)
    print(f"replies through the connector: {len(fake.in_conversation(ALEX_CHAT['id']))}")


def _report(profiler: cProfile.Profile, options: argparse.Namespace) -> None:
    stats = pstats.Stats(profiler, stream=io.StringIO())
    by_package: collections.Counter[str] = collections.Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package(filename)] += own
    total = sum(by_package.values())
    calls = stats.total_calls / options.count  # type: ignore[attr-defined]
    print(
        f"\nunder cProfile: {total / options.count * 1000:.1f} ms per turn, {calls:.0f} Python function calls "
        "per turn (a count no other load disturbs); own time by package:"
    )
    for package, seconds in by_package.most_common(20):
        print(f"  {seconds / options.count * 1000:7.2f} ms  {package}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(options.sort).print_stats(options.top)
    print(out.getvalue())


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    for ours in ("bot", "cards", "services", "storage", "views", "qop", "tests", "bench"):
        if f"/{ours}/" in filename and "/lib/python" not in filename:
            return f"qop {ours}/"
    if "/lib/python3" in filename:
        return "stdlib " + filename.split("/lib/python3", 1)[1].split("/", 2)[1]
    return filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workload", choices=[w.key for w in WORKLOADS], default="execute")
    parser.add_argument("--count", type=int, default=200, help="turns measured (and as many profiled)")
    parser.add_argument("--statements", action="store_true", help="print each statement of one turn")
    parser.add_argument("--sort", default="tottime", help="pstats sort key for the function list")
    parser.add_argument("--top", type=int, default=40)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
