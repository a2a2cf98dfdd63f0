"""The periodic reminder job: every few minutes, send what is due (actions and the QA calendar).

Every instance of qop may run it: each reminder is claimed by a unique key before it is sent,
so two instances never both send one. A failing run is logged and the next one tries again
(what was not handed over is picked up then).
"""

from __future__ import annotations

import asyncio
import logging

from services.container import Services

logger = logging.getLogger(__name__)


async def run_once(services: Services) -> int:
    """One pass over actions and the QA calendar; returns how many reminders were handed over."""
    actions = await services.reminders.run_due_reminders()
    calendar = await services.qa_calendar.run_due_reminders()
    digests = await services.digests.run_due()  # weekly digests: each (channel, week) claimed once
    if actions.sent or calendar:
        logger.info("reminders sent: %d action, %d calendar", len(actions.sent), len(calendar))
    return len(actions.sent) + len(actions.rehanded) + len(calendar) + len(digests.sent) + len(digests.late)


async def run_forever(services: Services, interval_seconds: float) -> None:
    """Run ``run_once`` every ``interval_seconds`` until cancelled."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await run_once(services)
        except Exception:  # one bad run must not stop reminders for good
            logger.exception("reminder run failed; trying again in %s s", interval_seconds)
