"""How long to wait before trying a send again, and when to stop.

Teams' own guidance: honour ``Retry-After`` on 429, otherwise back off exponentially with
jitter; retry 412 and 5xx; never retry forever.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from services.delivery.gateway import GatewayError, Throttled, Transient

RETRY_AFTER_CAP_SECONDS = 300.0
"""A Retry-After longer than this is treated as this (a broken header must not park a send for hours)."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_seconds: float = 1.0
    max_seconds: float = 60.0
    jitter: Callable[[], float] = field(default=random.random)
    """Returns a number in [0, 1); injected by tests to make waits exact."""

    def wait_before_retry(self, error: GatewayError, attempt: int) -> float | None:
        """Seconds to wait after ``attempt`` (1-based) failed with ``error``; None = give up."""
        if not isinstance(error, Throttled | Transient) or attempt >= self.max_attempts:
            return None
        if isinstance(error, Throttled) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), RETRY_AFTER_CAP_SECONDS)
        # "Full jitter": spreads retries of many sends that failed together.
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1))
        return ceiling / 2 + self.jitter() * ceiling / 2
