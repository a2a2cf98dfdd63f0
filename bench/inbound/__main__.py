"""qop against a bare Microsoft 365 Agents SDK echo bot, turn for turn, on this machine.

    .venv/bin/python -m bench.inbound                          # SQLite, 3 rounds
    .venv/bin/python -m bench.inbound --database postgresql    # a scratch PostgreSQL database
    .venv/bin/python -m bench.inbound --rounds 1 --sequential 20 --concurrent 100   # a quick look
    .venv/bin/python -m bench.inbound --workload execute --workload submit   # the saves only
    .venv/bin/python -m bench.inbound --profile /tmp/qop.prof   # qop under cProfile (slower)

Starts ``python -m qop serve`` (local no-auth mode, the demo loaded as ``make run`` does) and the
echo bot (``bench/inbound/echo_bot.py``: the same SDK on the same Python), both replying to the
fake Bot Connector in this process (``tests/support/fake_connector.py``, limits off). Then, in
rounds, for each workload (``help``; the demo audit's "Save draft" as Action.Execute, which
writes; the same save as Action.Submit, answered through the connector) it posts a block one at
a time and a block with ``--in-flight`` awaiting their answer, to qop and to the echo bot in
turn (the order alternates every round, so a burst of load elsewhere hits both).

Prints, per workload and concurrency: requests/s (median over rounds, with the range), p50/p99
latency (all requests of all rounds), the bots' CPU per request (their process's CPU time), qop's
rate as a ratio of the echo's, and the machine's load average and core count at the start and
the end. Checks that every request got a 2xx, that every save landed (the audit's access log
holds one change per save sent) and that every message got its reply; exits 1 if not.
Loopback only; bounded by the counts and ``--block-time-limit``.

``--workload`` (repeatable: ``help``, ``execute``, ``submit``) runs only those workloads.
``--profile PATH`` runs qop under the standard library's cProfile and writes its statistics to
PATH when qop stops (read them with ``python -m pstats PATH``); the profiler roughly doubles
qop's CPU, so its figures are for finding where the time goes, not for quoting.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib.metadata
import os
import platform
import sys
import tempfile
from pathlib import Path

import aiohttp

from bench.inbound import database, report
from bench.inbound.load import Block, run_block
from bench.inbound.processes import EchoBot, bot_of, load_demo, qop_instance
from bench.inbound.workloads import ALEX_CHAT, DEMO_AUDIT_CASE, WORKLOADS, Workload, chosen
from tests.support.fake_connector import FakeConnector

WARM_UP = 10
"""Requests of each workload each bot answers before anything is timed (imports, caches, plans)."""


async def run(options: argparse.Namespace) -> bool:
    """The whole bench; True when every check passed."""
    print(_machine("start"))
    fake = FakeConnector(enforce_limits=False)  # Teams' rate limits would only measure themselves
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="qop-bench-inbound-"))
    try:
        with database.scratch_database(options.database, folder) as url:
            qop = qop_instance(url, folder, profile=options.profile)
            await asyncio.to_thread(load_demo, qop)
            assignment_id = await database.demo_assignment_id(url, DEMO_AUDIT_CASE)
            echo = EchoBot(folder)
            try:
                await qop.start()
                await echo.start()
                bots = [bot_of("qop", qop), bot_of("echo", echo)]
                blocks, sent = await _measure(options, bots, fake.service_url, assignment_id)
            finally:
                qop.stop()
                echo.stop()
            saves = await database.audit_changes(url, assignment_id)
    finally:
        await fake.close()
    print()
    print(report.table(report.summary_rows(blocks, "qop", "echo")))
    print()
    print(_machine("end"))
    return _checks(blocks, sent, saves, fake)


async def _measure(
    options: argparse.Namespace, bots: list, service_url: str, assignment_id: int
) -> tuple[list[Block], dict[tuple[str, str], int]]:
    """Warm both bots up, then run every round; returns the blocks and, per (bot, workload),
    how many activities were sent in all (warm-up included, for the checks)."""
    blocks: list[Block] = []
    sent: dict[tuple[str, str], int] = {}
    workloads = chosen(options.workload)
    timeout = aiohttp.ClientTimeout(total=options.request_timeout)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:

        async def block(bot, workload, count: int, in_flight: int) -> Block:  # type: ignore[no-untyped-def]
            measured = await run_block(
                session,
                bot,
                workload.name,
                lambda: workload.build(service_url, assignment_id),
                count=count,
                in_flight=in_flight,
                time_limit=options.block_time_limit,
            )
            sent[(bot.name, workload.name)] = sent.get((bot.name, workload.name), 0) + count
            return measured

        for bot in bots:
            for workload in workloads:
                warm = await block(bot, workload, WARM_UP, 1)
                if warm.failed:
                    raise SystemExit(f"{bot.name} failed its warm-up on {workload.name}: {dict(warm.statuses)}")
        for number in range(options.rounds):
            for workload in workloads:
                for in_flight, count in ((1, options.sequential), (options.in_flight, options.concurrent)):
                    for bot in bots if number % 2 == 0 else reversed(bots):
                        blocks.append(await block(bot, workload, count, in_flight))
            print(f"round {number + 1} of {options.rounds} done; load average {os.getloadavg()[0]:.1f}", flush=True)
    return blocks, sent


def _checks(blocks: list[Block], sent: dict[tuple[str, str], int], saves: int, fake: FakeConnector) -> bool:
    failed = sum(block.failed for block in blocks)
    total = sum(block.count for block in blocks)
    print(f"2xx: {total - failed} of {total} timed requests" + ("" if not failed else f"  FAILED {failed}"))
    saves_sent = sum(n for (bot, name), n in sent.items() if bot == "qop" and _workload(name).writes)
    print(f"saves landed: {saves} of {saves_sent} sent to qop" + ("" if saves == saves_sent else "  MISMATCH"))
    replies = fake.in_conversation(ALEX_CHAT["id"])
    echo_replies = sum(1 for m in replies if m.text.startswith("echo: "))
    qop_replies = len(replies) - echo_replies
    wanted = {
        bot: sum(n for (b, name), n in sent.items() if b == bot and _workload(name).replies) for bot in ("qop", "echo")
    }
    print(
        f"replies through the connector: qop {qop_replies} of {wanted['qop']}, echo {echo_replies} of {wanted['echo']}"
    )
    return not failed and saves == saves_sent and qop_replies == wanted["qop"] and echo_replies == wanted["echo"]


def _workload(name: str) -> Workload:
    return next(workload for workload in WORKLOADS if workload.name == name)


def _machine(moment: str) -> str:
    one, five, fifteen = os.getloadavg()
    sdk = importlib.metadata.version("microsoft-agents-hosting-core")
    return (
        f"{moment}: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{os.cpu_count()} cores, load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min), "
        f"Python {platform.python_version()}, Agents SDK {sdk}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=100, help="requests per one-at-a-time block")
    parser.add_argument("--concurrent", type=int, default=250, help="requests per block with --in-flight at once")
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--request-timeout", type=float, default=30.0, help="seconds before a request counts as failed")
    parser.add_argument(
        "--workload",
        action="append",
        choices=[workload.key for workload in WORKLOADS],
        help="run only this workload (repeatable; default: all)",
    )
    parser.add_argument("--profile", type=Path, help="run qop under cProfile and write its statistics here")
    parser.add_argument("--block-time-limit", type=float, default=300.0, help="seconds before the bench gives up")
    options = parser.parse_args()
    print(f"database: {options.database}; command: python -m bench.inbound {' '.join(sys.argv[1:])}")
    sys.exit(0 if asyncio.run(run(options)) else 1)


if __name__ == "__main__":
    main()
