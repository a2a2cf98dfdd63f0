"""``DeliveryService``: the one way qop sends, updates or deletes anything in Teams.

See the package docstring (``services/delivery/__init__.py``) for the public API. It is the
send API (``sending.py``, the outbox every service sends through) with the broadcasts
(``broadcasts.py``) and the executor that carries out each queued run (``executor.py``,
called by the DBOS workflows in ``engine.py``) behind it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock
from services.delivery.broadcasts import Broadcasts, broadcast_lanes
from services.delivery.config import DeliveryConfig
from services.delivery.engine import WorkQueue
from services.delivery.executor import Executor
from services.delivery.gateway import Card, TeamsGateway
from services.delivery.records import BroadcastProgress, CardFactory
from services.delivery.retry import RetryPolicy
from services.delivery.sending import DeliveryOutbox


class DeliveryService(DeliveryOutbox):
    """Durable, rate-limited, accounted-for sends to Teams. See the package docstring."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: DeliveryConfig,
        queue: WorkQueue,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(sessions=sessions, clock=clock, queue=queue)
        self.config = config
        self.broadcasts = Broadcasts(
            sessions=sessions,
            clock=clock,
            queue=queue,
            lanes=broadcast_lanes(config.rate_per_second, config.conversation_rate_per_second),
        )
        self.executor = Executor(
            sessions=sessions,
            clock=clock,
            queue=queue,
            broadcasts=self.broadcasts,
            policy=policy
            or RetryPolicy(
                max_attempts=config.max_attempts,
                base_seconds=config.backoff_base_seconds,
                max_seconds=config.backoff_max_seconds,
            ),
            progress_interval_seconds=config.progress_interval_seconds,
            rate_per_second=config.rate_per_second,
            sleep=sleep,
        )

    @property
    def queue(self) -> WorkQueue:
        return self._queue

    def attach_gateway(self, gateway: TeamsGateway | None) -> None:
        """The Teams side; set by the app at start-up (only the executor needs it)."""
        self.executor.attach_gateway(gateway)

    # -- broadcasts ------------------------------------------------------------------------------

    async def start_broadcast(
        self,
        sender_person_id: int | None,
        recipients: Sequence[int],
        card: Card | CardFactory,
        *,
        title: str,
        purpose: str = "broadcast",
    ) -> BroadcastProgress:
        """Send one card (or one per person, from a factory) to many people: ``Broadcasts.start``."""
        return await self.broadcasts.start(sender_person_id, recipients, card, title=title, purpose=purpose)

    async def progress(self, broadcast_id: int) -> BroadcastProgress:
        return await self.broadcasts.progress(broadcast_id)

    async def cancel_broadcast(self, broadcast_id: int, *, actor_id: int | None = None) -> BroadcastProgress:
        return await self.broadcasts.cancel(broadcast_id, actor_id=actor_id)

    async def resend_failed(self, broadcast_id: int, *, actor_id: int | None = None) -> BroadcastProgress:
        return await self.broadcasts.resend_failed(broadcast_id, actor_id=actor_id)

    # -- the executor (called by the DBOS workflows) and recovery --------------------------------

    async def perform(self, delivery_id: int, generation: int) -> str:
        return await self.executor.perform(delivery_id, generation)

    async def refresh_progress(self, broadcast_id: int) -> str:
        return await self.executor.refresh_progress(broadcast_id)

    async def requeue_orphans(self) -> int:
        return await self.executor.requeue_orphans()
