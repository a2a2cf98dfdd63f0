"""Waiting out a database that has gone away, for the delivery engine and its executor."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.errors import database_unavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_WAIT_SECONDS = 1.0
WAIT_CAP_SECONDS = 30.0
STEP_TIMEOUT_SECONDS = 30.0
"""How long one database step of a send's outcome may take before it is tried again."""


async def until_database_returns(
    call: Callable[[], Awaitable[T]],
    *,
    paused: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    attempt_timeout: float | None = None,
) -> T:
    """Run ``call``; while the database is not answering, wait (1 s doubling to 30 s) and run it
    again, for as long as it takes. Any other error ends it. ``call`` must be safe to repeat;
    ``paused`` names what waits, in the one WARNING line per try. With ``attempt_timeout``, a try
    that has not finished in that many seconds counts as the database not answering: a connection
    that never answers after an outage must not hold the step for ever. Only for calls that do
    nothing but database work (a call to Teams inside may legitimately take longer)."""
    wait = FIRST_WAIT_SECONDS
    while True:
        try:
            if attempt_timeout is None:
                return await call()
            return await asyncio.wait_for(call(), timeout=attempt_timeout)
        except Exception as error:
            if not (database_unavailable(error) or isinstance(error, TimeoutError)):
                raise
            logger.warning("%s: the database is not answering; trying again in %.0f s", paused, wait)
            await sleep(wait)
            wait = min(wait * 2, WAIT_CAP_SECONDS)
