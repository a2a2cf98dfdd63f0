"""Broadcast benchmark: N recipients through the fake Bot Connector at Teams' tenant limit.

    python -m bench.broadcast                         # 5,000 recipients, SQLite, one instance
    python -m bench.broadcast --recipients 500        # a quick run
    python -m bench.broadcast --kill-at 0.4           # kill -9 at 40% and restart
    python -m bench.broadcast --database postgresql --instances 2

The app runs as real ``python -m qop serve`` processes with the default limiter (45/s overall,
6/s per conversation); the fake connector (this process) enforces 50 requests/s per tenant and
Teams' per-conversation limits, answering 429 + Retry-After. Printed, all measured in this
run: achieved send rate as % of the fake's limit, 429s received, lost recipients, duplicates
(and, with a kill, the sends in flight at the kill), the CPU time the qop processes spent per
send (the main figure on a shared machine: at 50 sends/s a send must cost well under 20 ms on
the two cores), on PostgreSQL the server's CPU per send too (its backends for the bench's
database), and the machine's load average at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
from sqlalchemy import insert

from bench.inbound.processes import cpu_seconds
from qop.app import build_services
from qop.settings import Settings
from storage import migrate
from storage.db import create_engine, transaction
from storage.models import Conversation, Person
from tests.support import activities
from tests.support.databases import scratch_postgres_database
from tests.support.fake_connector import FakeConnector
from tests.support.instances import AppInstance

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Practice survey"}]}


@contextlib.asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[Settings]:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        yield Settings(database_url=url, _env_file=None)
        return
    with scratch_postgres_database("qop_bench") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        yield Settings(database_url=url, _env_file=None)


async def seed(settings: Settings, service_url: str, count: int) -> list[int]:
    """``count`` people, each with an installed 1:1 chat whose service URL is the fake."""
    engine = create_engine(settings.database_url)
    sessions = build_services(settings, engine).sessions
    try:
        async with transaction(sessions) as session:
            rows = [{"display_name": f"Person {n}", "teams_user_id": f"29:bench-{n}"} for n in range(count)]
            ids = list(await session.scalars(insert(Person).returning(Person.id), rows))
            await session.execute(
                insert(Conversation),
                [
                    {
                        "conversation_id": f"a:bench-{n}",
                        "kind": "personal",
                        "tenant_id": activities.TENANT_ID,
                        "service_url": service_url,
                        "bot_id": activities.BOT_ID,
                        "person_id": person_id,
                        "reference": {"conversation": {"id": f"a:bench-{n}"}, "serviceUrl": service_url},
                        "installed": True,
                    }
                    for n, person_id in enumerate(ids)
                ],
            )
        return ids
    finally:
        await engine.dispose()


def instances_cpu_seconds(instances: list[AppInstance]) -> float:
    return sum(cpu_seconds(i.process.pid) or 0.0 for i in instances if i.process is not None)


def server_cpu_seconds(database_url: str) -> dict[int, float]:
    """CPU so far of each PostgreSQL backend connected to the bench's database, by pid."""
    if not database_url.startswith("postgresql"):
        return {}
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True) as connection:
        pids = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
    return {pid: cpu_seconds(pid) or 0.0 for pid in pids}


def server_cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """Backends that came and went in between are missed (the app's pools keep theirs open)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def rates_by_tenth(posts: list) -> list[float]:  # type: ignore[type-arg]
    """Sends per second over each tenth of the posts, in order (where a run slows down)."""
    times = [post.at for post in posts]
    step = max(1, len(times) // 10)
    return [
        step / (times[end] - times[start]) if times[end] > times[start] else 0.0
        for start, end in ((n, min(n + step, len(times) - 1)) for n in range(0, len(times) - step, step))
    ]


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


async def run(args: argparse.Namespace) -> dict[str, float | int | str]:
    fake = FakeConnector(tenant_limit=args.tenant_limit)
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="qop-bench-"))
    instances: list[AppInstance] = []
    load_at_start = load_average()
    cpu_at_start = 0.0
    app_cpu = server_cpu = 0.0
    try:
        async with database(args.database, folder) as settings:
            env = {
                "DATABASE_URL": settings.database_url,
                "DBOS_SYSTEM_DATABASE_URL": settings.dbos_system_database_url,
            }
            recipients = await seed(settings, fake.service_url, args.recipients)
            for number in range(args.instances):
                instance = AppInstance(f"bench-{number + 1}", env, folder)
                if args.profile:
                    instance.module = "bench.profiled_serve"
                    instance.env = {**env, "QOP_PROFILE_DIR": args.profile}
                await instance.start()
                instances.append(instance)
            engine = create_engine(settings.database_url)
            services = build_services(settings, engine)
            app_cpu -= instances_cpu_seconds(instances)
            server_before = await asyncio.to_thread(server_cpu_seconds, settings.database_url)
            cpu_at_start = time.process_time()  # the fake connector and the progress polls, not seeding
            started = time.monotonic()
            broadcast = await services.delivery.start_broadcast(None, recipients, CARD, title="Benchmark")
            enqueued = time.monotonic() - started
            in_flight = 0
            if args.kill_at:
                while len(fake.posts) < args.recipients * args.kill_at:  # noqa: ASYNC110 - another process sends
                    await asyncio.sleep(0.02)
                app_cpu += instances_cpu_seconds(instances)
                for instance in instances:
                    instance.kill()
                in_flight = await pending_workflows(services)
                for instance in instances:
                    await instance.start()
                app_cpu -= instances_cpu_seconds(instances)  # start-up is not sending
            while not (await services.delivery.progress(broadcast.broadcast_id)).settled:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            progress = await services.delivery.progress(broadcast.broadcast_id)
            app_cpu += instances_cpu_seconds(instances)
            server_cpu = server_cpu_between(
                server_before, await asyncio.to_thread(server_cpu_seconds, settings.database_url)
            )
            services.delivery.queue.close()
            await engine.dispose()
    finally:
        for instance in instances:
            instance.stop()
        await fake.close()
    posts = fake.posts
    span = posts[-1].at - posts[0].at if len(posts) > 1 else 0.0
    delivered = {m.conversation_id for m in posts}
    rate = (len(delivered) - 1) / span if span else 0.0
    return {
        "recipients": args.recipients,
        "instances": args.instances,
        "database": args.database,
        "enqueue_seconds": round(enqueued, 1),
        "achieved_per_second": round(rate, 1),
        "ratio_of_limit_percent": round(100 * rate / args.tenant_limit, 1),
        "rate_by_tenth_of_posts": " ".join(f"{r:.0f}" for r in rates_by_tenth(posts)),
        "throttled_429": fake.throttled,
        "sent": progress.sent,
        "failed": progress.failed,
        "lost": args.recipients - len(delivered),
        "duplicates": fake.duplicates,
        "in_flight_at_kill": in_flight,
        "app_cpu_ms_per_send": round(1000 * app_cpu / max(1, len(posts)), 1),
        "postgres_cpu_ms_per_send": round(1000 * server_cpu / max(1, len(posts)), 1) if server_cpu else "-",
        "bench_cpu_ms_per_send": round(1000 * (time.process_time() - cpu_at_start) / max(1, len(posts)), 1),
        "load_average_start": load_at_start,
        "load_average_end": load_average(),
    }


async def pending_workflows(services) -> int:  # type: ignore[no-untyped-def]
    statuses = await asyncio.to_thread(
        services.delivery.queue.client.list_workflows, status="PENDING", load_input=False, load_output=False
    )
    return len(statuses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--tenant-limit", type=int, default=50)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument(
        "--profile", metavar="DIR", help="run the instances under bench.profiled_serve, writing into DIR"
    )
    parser.add_argument("--kill-at", type=float, default=0.0, help="kill -9 every instance at this fraction sent")
    args = parser.parse_args()
    if args.profile:
        args.profile = str(Path(args.profile).resolve())
    result = asyncio.run(run(args))
    for key, value in result.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
