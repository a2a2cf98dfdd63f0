"""Turning the blocks of every round into the table the bench prints."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from bench.inbound.load import Block


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 < fraction <= 1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def _range(values: list[float], form: str) -> str:
    return f"{form.format(statistics.median(values))} ({form.format(min(values))}-{form.format(max(values))})"


def summary_rows(blocks: Iterable[Block], qop: str, echo: str) -> list[list[str]]:
    """One row per workload and concurrency: qop's figures, the echo's, and their ratio. Rates
    and CPU are the median over rounds with the range; p50/p99 pool every request of the rounds."""
    grouped: dict[tuple[str, int], dict[str, list[Block]]] = {}
    for block in blocks:
        grouped.setdefault((block.workload, block.in_flight), {}).setdefault(block.bot, []).append(block)
    rows = []
    for (workload, in_flight), by_bot in grouped.items():
        ours, theirs = by_bot.get(qop, []), by_bot.get(echo, [])
        if not ours or not theirs:
            continue
        our_rate = statistics.median(b.per_second for b in ours)
        their_rate = statistics.median(b.per_second for b in theirs)
        rows.append(
            [
                workload,
                "one at a time" if in_flight == 1 else f"{in_flight} in flight",
                _range([b.per_second for b in ours], "{:.1f}"),
                _range([b.per_second for b in theirs], "{:.1f}"),
                f"{our_rate / their_rate:.2f}" if their_rate else "-",
                _latency(ours),
                _latency(theirs),
                _cpu(ours),
                _cpu(theirs),
            ]
        )
    return rows


HEADERS = [
    "workload",
    "concurrency",
    "qop req/s",
    "echo req/s",
    "qop/echo",
    "qop p50/p99 ms",
    "echo p50/p99 ms",
    "qop CPU ms/req",
    "echo CPU ms/req",
]


def _latency(blocks: list[Block]) -> str:
    pooled = [latency for block in blocks for latency in block.latencies]
    return f"{percentile(pooled, 0.5) * 1000:.0f} / {percentile(pooled, 0.99) * 1000:.0f}"


def _cpu(blocks: list[Block]) -> str:
    values = [b.cpu_per_request * 1000 for b in blocks if b.cpu_per_request is not None]
    return _range(values, "{:.1f}") if values else "n/a"


def table(rows: list[list[str]]) -> str:
    """A Markdown table (pasteable into bench/inbound/README.md as it is)."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
