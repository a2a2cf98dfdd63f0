"""Posting one block of activities to a bot, one at a time or many in flight, and timing each."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.inbound.processes import Bot, cpu_seconds


@dataclass
class Block:
    """One bot, one workload, one concurrency, one round: what was measured."""

    bot: str
    workload: str
    in_flight: int
    seconds: float = 0.0
    cpu: float | None = None
    """CPU seconds the bot's process used during the block."""
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_request(self) -> float | None:
        return self.cpu / self.count if self.cpu is not None and self.count else None

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


async def run_block(
    session: aiohttp.ClientSession,
    bot: Bot,
    workload: str,
    build: Callable[[], dict[str, Any]],
    *,
    count: int,
    in_flight: int,
    time_limit: float,
) -> Block:
    """Post ``count`` activities with at most ``in_flight`` awaiting their answer. A request that
    fails or runs past the session's timeout counts as status 0 (never a 2xx); a block that runs
    past ``time_limit`` seconds stops the bench (TimeoutError)."""
    block = Block(bot.name, workload, in_flight)
    numbers = itertools.count()

    async def worker() -> None:
        while next(numbers) < count:
            activity = build()
            start = time.perf_counter()
            try:
                async with session.post(bot.url, json=activity) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            block.latencies.append(time.perf_counter() - start)
            block.statuses[status] += 1

    cpu_before = cpu_seconds(bot.pid)
    start = time.perf_counter()
    async with asyncio.timeout(time_limit):
        await asyncio.gather(*(worker() for _ in range(in_flight)))
    block.seconds = time.perf_counter() - start
    cpu_after = cpu_seconds(bot.pid)
    if cpu_before is not None and cpu_after is not None:
        block.cpu = cpu_after - cpu_before
    return block
