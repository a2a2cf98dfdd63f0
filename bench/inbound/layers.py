"""Where a Save draft turn's CPU goes, layer by layer, in this process.

    .venv/bin/python -m bench.inbound.layers                         # SQLite
    .venv/bin/python -m bench.inbound.layers --database postgresql

A companion to ``python -m bench.inbound``: that bench compares whole turns with the bare SDK
echo bot; this one takes the same save apart, to show what the rest of a turn could at best
come down to. On the demo loaded as ``make run`` does, after a warm-up, it times ``--count``
calls of each layer (median of five batches, CPU time of this process):

- the whole turn: an Action.Execute "Save draft" posted to qop over loopback HTTP (the client
  posting it shares the process, so this includes its share);
- the first read of every turn (``ConversationService.record_seen``, who spoke and where);
- the save itself (``AuditAnswering.save_page``: its transaction and the page it answers with);
- the page card built from that page and encoded as JSON.

What is left of the whole turn after those three is the HTTP edge, the SDK's turn pipeline
and the event loop. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.inbound.in_process import demo_app
from bench.inbound.workloads import ALEX, ALEX_CHAT, save_draft
from cards.audit import page_card
from qop.app import SERVICES_KEY
from services.teams_data import ConversationInfo, TeamsUser

WARM_UP = 30
BATCHES = 5


async def cpu_per_call(call: Callable[[], Awaitable[Any]], count: int) -> tuple[float, float]:
    """Median and best CPU milliseconds per call over ``BATCHES`` batches."""
    for _ in range(WARM_UP):
        await call()
    per_call = []
    for _ in range(BATCHES):
        started = time.process_time()
        for _ in range(count // BATCHES):
            await call()
        per_call.append((time.process_time() - started) / (count // BATCHES) * 1000)
    return statistics.median(per_call), min(per_call)


async def run(options: argparse.Namespace) -> None:
    async with demo_app(options.database, "bench-layers") as demo:
        client, fake, assignment_id = demo.client, demo.connector, demo.assignment_id
        services = client.server.app[SERVICES_KEY]
        activity = save_draft(fake.service_url, assignment_id)
        data = activity["value"]["action"]["data"]
        chat = ConversationInfo(
            ALEX_CHAT["id"], "personal", fake.service_url, activity["recipient"]["id"], ALEX_CHAT["tenantId"]
        )
        alex = TeamsUser(ALEX["id"], ALEX["name"], ALEX["aadObjectId"])

        async def whole_turn() -> None:
            response = await client.post("/api/messages", json=save_draft(fake.service_url, assignment_id))
            assert response.status == 200, await response.text()
            await response.read()

        async def first_read() -> None:
            await services.conversations.record_seen(chat, alex)

        async def save() -> Any:
            return await services.audits.answering.save_page(
                ALEX["id"], assignment_id, page=0, data=dict(data), move="save"
            )

        await first_read()  # Alex's Teams id is matched to the organisation on their first turn
        page = await save()

        async def card() -> None:
            json.dumps(page_card(page))

        layers = [
            ("whole turn (HTTP, SDK, qop; with the client's share)", whole_turn),
            ("first read (who spoke, where)", first_read),
            ("the save (save_page: its transaction and page)", save),
            ("the page card, built and encoded", card),
        ]
        figures = [(name, *await cpu_per_call(call, options.count)) for name, call in layers]
    print(f"database: {options.database}; {options.count} calls per layer; load average {os.getloadavg()[0]:.2f}")
    print("| layer | CPU ms per call (median) | best |")
    print("|---|---|---|")
    for name, median, best in figures:
        print(f"| {name} | {median:.2f} | {best:.2f} |")
    rest = figures[0][1] - sum(median for _name, median, _best in figures[1:])
    print(f"| what is left of the whole turn (HTTP edge, SDK pipeline, event loop, client) | {rest:.2f} | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--count", type=int, default=500, help="calls per layer")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
