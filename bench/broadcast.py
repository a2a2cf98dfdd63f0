"""Broadcast benchmark: N recipients through the fake Bot Connector at Teams' tenant limit.

    python -m bench.broadcast                         # 5,000 recipients, SQLite, one instance
    python -m bench.broadcast --recipients 500        # a quick run
    python -m bench.broadcast --kill-at 0.4           # kill -9 at 40% and restart
    python -m bench.broadcast --database postgresql --instances 2

The app runs as real ``python -m qop serve`` processes with the default limiter (45/s overall,
6/s per conversation); the fake connector (this process) enforces 50 requests/s per tenant and
Teams' per-conversation limits, answering 429 + Retry-After. Printed, all measured in this
run: achieved send rate as % of the fake's limit, 429s received, lost recipients, duplicates
(and, with a kill, the sends in flight at the kill).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import insert

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


async def run(args: argparse.Namespace) -> dict[str, float | int | str]:
    fake = FakeConnector(tenant_limit=args.tenant_limit)
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="qop-bench-"))
    instances: list[AppInstance] = []
    try:
        async with database(args.database, folder) as settings:
            env = {
                "DATABASE_URL": settings.database_url,
                "DBOS_SYSTEM_DATABASE_URL": settings.dbos_system_database_url,
            }
            recipients = await seed(settings, fake.service_url, args.recipients)
            for number in range(args.instances):
                instance = AppInstance(f"bench-{number + 1}", env, folder)
                await instance.start()
                instances.append(instance)
            engine = create_engine(settings.database_url)
            services = build_services(settings, engine)
            started = time.monotonic()
            broadcast = await services.delivery.start_broadcast(None, recipients, CARD, title="Benchmark")
            enqueued = time.monotonic() - started
            in_flight = 0
            if args.kill_at:
                while len(fake.posts) < args.recipients * args.kill_at:  # noqa: ASYNC110 - another process sends
                    await asyncio.sleep(0.02)
                for instance in instances:
                    instance.kill()
                in_flight = await pending_workflows(services)
                for instance in instances:
                    await instance.start()
            while not (await services.delivery.progress(broadcast.broadcast_id)).settled:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            progress = await services.delivery.progress(broadcast.broadcast_id)
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
        "throttled_429": fake.throttled,
        "sent": progress.sent,
        "failed": progress.failed,
        "lost": args.recipients - len(delivered),
        "duplicates": fake.duplicates,
        "in_flight_at_kill": in_flight,
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
    parser.add_argument("--kill-at", type=float, default=0.0, help="kill -9 every instance at this fraction sent")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    for key, value in result.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
