"""How the delivery engine runs, built from the settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryConfig:
    """Where DBOS keeps its queue, which instance this is, and the limits every send obeys."""

    executor_id: str
    """Stable and distinct per running instance: DBOS recovers the unfinished work of an
    executor id when an instance with that id starts again."""
    system_database_url: str
    """The DBOS system database (a synchronous SQLAlchemy URL, as DBOS wants it)."""
    system_schema: str
    rate_per_second: int
    """Sends started per second across all instances."""
    conversation_rate_per_second: int
    """Sends started per second into one conversation."""
    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    request_timeout_seconds: float
    progress_interval_seconds: float
    """How often a broadcast's progress card is refreshed at most."""
    queue_polling_seconds: float
    worker_concurrency: int
    """Sends in flight at once on one instance."""
    shutdown_wait_seconds: int = 20
    """How long sends in flight may take to finish when the instance stops."""
    stranded_claim_seconds: float = 30.0
    """How often to look for work this instance claimed but never started (a claim whose answer
    the database lost as it went away), and how old such a claim must be to be put back."""
