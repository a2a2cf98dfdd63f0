"""The durable machinery under delivery: DBOS workflows, the rate-limited queue, launch and
shutdown.

One queued workflow per send (short, so little is tied to one instance). The queue has a
global limiter (``DeliveryConfig.rate_per_second``, across every instance sharing the system
database) and a per-partition limiter (``DeliveryConfig.conversation_rate_per_second``, one
partition per Teams conversation) with one send in flight per conversation (so messages to
one conversation go out in the order they were queued). The workflow id is derived from the delivery row, so
enqueueing the same delivery twice runs it once. A broadcast's sends go through a second queue
without partitions (``BROADCAST_QUEUE_NAME``), with the same global limiter.

DBOS is a process-wide singleton. ``DeliveryEngine.launch`` creates and launches it (await it
on the running event loop: DBOS then runs our async workflows on that loop, next to the
app's database engine and HTTP sessions); ``shutdown`` destroys it so the next app built in
the same process (tests) can launch a fresh one. Two engines cannot run in one process.

The engine also runs qop's recurring jobs on DBOS cron schedules (``services.scheduling``):
``launch`` writes their schedules before DBOS starts, so its scheduler fires them from the start.

While it runs, the engine puts back in their queue the workflows this instance claimed but never
started (``requeue_stranded_claims``): DBOS claims queued work in one transaction and starts it
only once the answer arrives. When the database goes away between the commit and the answer, the
claim stands (the workflow is PENDING under this executor) but nothing runs it, and with one send
at a time per conversation it holds its queue lane until the instance restarts (issue 17: a
broadcast that never finished after an outage).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from dbos import DBOS, DBOSClient, DBOSConfig, EnqueueOptions
from dbos._utils import INTERNAL_QUEUE_NAME

from services import scheduling
from services.delivery.config import DeliveryConfig
from services.delivery.outage import until_database_returns
from services.errors import database_unavailable
from services.scheduling import RecurringJob
from storage.db import postgres_connect_args

logger = logging.getLogger(__name__)

QUEUE_NAME = "qop_deliveries"
BROADCAST_QUEUE_NAME = "qop_broadcasts"
"""A broadcast's sends (and what queues behind one of them) go through their own queue, without
partitions: one message per recipient, so neither the per-conversation limit nor the order within
a conversation is at stake there. DBOS claims work from a partitioned queue one partition at a
time, each claim its own serializable transaction of a dozen statements that yields one send
(about 24 ms of wall time per send on the 2-core machine under load, so ~33 sends/s at most);
from a queue without partitions it claims everything the rate limit allows in one transaction
per poll."""
BROADCAST_PARTITION_PREFIX = "broadcast:"
"""Work whose partition key starts so (a broadcast's lanes) goes to ``BROADCAST_QUEUE_NAME``."""
APPLICATION_NAME = "qop"
APPLICATION_VERSION = "qop-1"
"""Pinned on purpose: DBOS otherwise hashes the code, and after any deploy the queued and
sleeping workflows of the previous version would never run. Change it only together with a
plan for the work queued under the old value."""
RUN_WORKFLOW = "qop.delivery.run"
PROGRESS_WORKFLOW = "qop.delivery.progress"
ENQUEUE_BATCH = 100


class DeliveryWorker(Protocol):
    """The object the workflows call into (the delivery service, with its gateway attached)."""

    async def perform(self, delivery_id: int, generation: int) -> str: ...

    async def refresh_progress(self, broadcast_id: int) -> str: ...


_worker: DeliveryWorker | None = None
_runs_in_flight = 0
"""Workflows of this process that are calling the worker now (read by ``shutdown``)."""


def runs_in_flight() -> int:
    """How many sends this process is performing right now."""
    return _runs_in_flight


def _current_worker() -> DeliveryWorker:
    if _worker is None:
        raise RuntimeError("the delivery engine is not running in this process")
    return _worker


@DBOS.workflow(name=RUN_WORKFLOW)
async def run_delivery(delivery_id: int, generation: int) -> str:
    # No DBOS step inside: the delivery row is the checkpoint (``perform`` skips a delivery that
    # is no longer queued), so a step's extra system-database write per send would buy nothing.
    # While the database is away before Teams has the message, the whole run waits and starts
    # again instead of ending in error (which would lose the send); safe because ``perform``
    # records an outcome Teams has accepted itself, waiting for the database as long as it takes,
    # so a run that starts again never finds a sent message still queued.
    global _runs_in_flight
    _runs_in_flight += 1
    try:
        return await until_database_returns(
            lambda: _current_worker().perform(delivery_id, generation), paused="a send is paused"
        )
    finally:
        _runs_in_flight -= 1


@DBOS.workflow(name=PROGRESS_WORKFLOW)
async def run_progress_refresh(broadcast_id: int) -> str:
    return await _refresh(broadcast_id)


@DBOS.step(name="qop.delivery.refresh")
async def _refresh(broadcast_id: int) -> str:
    return await _current_worker().refresh_progress(broadcast_id)


def delivery_workflow_id(delivery_id: int, created_at: datetime, generation: int) -> str:
    """The idempotency key of one run of one delivery.

    ``created_at`` keeps ids unique even if a database hands out a row id again (SQLite
    does after rows are deleted); ``generation`` makes "resend to failed" a new run.
    """
    # Zero-padded: DBOS breaks ties in enqueue time (whole seconds on SQLite) by workflow id, so
    # ids must sort in creation order for a conversation's messages to keep their order.
    return f"qop-delivery-{delivery_id:012d}-{int(created_at.timestamp() * 1_000_000)}-g{generation}"


def dbos_config(config: DeliveryConfig) -> DBOSConfig:
    dbos_config: DBOSConfig = {
        "name": APPLICATION_NAME,
        "system_database_url": config.system_database_url,
        "dbos_system_schema": config.system_schema,
        "application_version": APPLICATION_VERSION,
        "executor_id": config.executor_id,
        "log_level": "WARNING",
        "notification_listener_polling_interval_sec": 0.2,
        "scheduler_polling_interval_sec": 5.0,
    }
    if not config.system_database_url.startswith("sqlite"):
        # DBOS's own defaults set connect_args wholesale: keep its application name beside ours.
        connect_args = {"application_name": "dbos_transact", **postgres_connect_args(config.system_database_url)}
        dbos_config["db_engine_kwargs"] = {"connect_args": connect_args}
    return dbos_config


def broadcast_claim_limit(config: DeliveryConfig) -> int:
    """How many broadcast sends the queue may start in any rolling second, across instances.

    One over the rate: a started send's slot comes free a second later but is claimed again only
    at the next poll after that (half a polling interval and the poll's own time later on
    average), so a limit of exactly the rate starts ~6 % fewer (45 gave one instance 42.4/s).
    Each instance also paces its calls to Teams at the rate (``Executor._pace``). More than one
    over is too many for two instances, whose polls interleave and so lose less: 48 gave them
    46/s with 600-800 429s at the fake connector's 50/s, and a few sends failed after six."""
    return config.rate_per_second + 1


def broadcast_worker_concurrency(config: DeliveryConfig) -> int:
    """Broadcast sends in flight at once on one instance: half a second's worth of the limiter,
    so the queue claims sends as earlier ones finish (a few per poll) rather than the limiter's
    whole second at once (which frees up all at once a second later, the next poll coming up to
    0.1 s after that), and two instances' paced backlogs stay short: each paces itself at the
    full rate, so together they can briefly send at twice it."""
    return max(1, min(config.worker_concurrency, config.rate_per_second // 2))


@dataclass(frozen=True)
class QueuedWork:
    workflow_name: str
    workflow_id: str
    partition_key: str
    args: tuple[Any, ...]


class WorkQueue:
    """Enqueues, cancels and inspects queued work through a DBOS client.

    A client needs no launched DBOS, so the same code serves the running app and the CLI
    (``python -m qop delivery cancel|resend-failed|recover``).
    """

    def __init__(self, config: DeliveryConfig) -> None:
        self._config = config
        self._client: DBOSClient | None = None

    @property
    def client(self) -> DBOSClient:
        """A client on a ready system database: its tables migrated and the delivery queue
        written, so the CLI can queue sends on a database no instance has ever started on (they
        go out when one does)."""
        if self._client is None:
            config = self._config
            DBOS.migrate(config.system_database_url, schema=config.system_schema)
            client = DBOSClient(
                system_database_url=config.system_database_url,
                dbos_system_schema=config.system_schema,
                application_name=APPLICATION_NAME,
            )
            try:
                self._register_queue(client)
            except BaseException:
                client.destroy()
                raise
            self._client = client
        return self._client

    def _register_queue(self, client: DBOSClient) -> None:
        config = self._config
        client.register_queue(
            BROADCAST_QUEUE_NAME,
            # Its own rolling window: while a broadcast runs, other sends can take the tenant
            # over this rate (Teams then answers 429 with Retry-After, waited out by the retry
            # policy); the default leaves 5/s of Teams' 50/s for them.
            limiter={"limit": broadcast_claim_limit(config), "period": 1.0},
            worker_concurrency=broadcast_worker_concurrency(config),
            polling_interval_sec=config.queue_polling_seconds,
            on_conflict="always_update",
            application_name=APPLICATION_NAME,
        )
        client.register_queue(
            QUEUE_NAME,
            limiter={"limit": config.rate_per_second, "period": 1.0},
            partition_limiter={"limit": config.conversation_rate_per_second, "period": 1.0},
            # One send at a time per conversation, across instances: messages arrive in the
            # order they were queued, and an update never overtakes the send it changes.
            partition_concurrency=1,
            worker_concurrency=config.worker_concurrency,
            polling_interval_sec=config.queue_polling_seconds,
            on_conflict="always_update",
            application_name=APPLICATION_NAME,
        )

    async def enqueue(self, work: QueuedWork) -> None:
        await asyncio.to_thread(self._enqueue_now, [work])

    async def enqueue_many(self, works: list[QueuedWork]) -> None:
        """Enqueue in one worker thread (much faster than one hop per send for big broadcasts)."""
        if works:
            await asyncio.to_thread(self._enqueue_now, works)

    def _enqueue_now(self, works: list[QueuedWork]) -> None:
        # One system-database transaction per batch instead of one per send: on SQLite each
        # commit takes the write lock the queue's dequeuer needs too, so a 5,000-recipient
        # broadcast enqueued one by one slowed its own first sends. Batches stay small so the
        # dequeuer is never held off for long. Re-enqueueing a known workflow id is a no-op.
        client = self.client
        for start in range(0, len(works), ENQUEUE_BATCH):
            with client._sys_db.engine.begin() as connection:
                for work in works[start : start + ENQUEUE_BATCH]:
                    client.enqueue_in_transaction(connection, self._options(work), *work.args)

    @staticmethod
    def _options(work: QueuedWork) -> EnqueueOptions:
        if work.partition_key.startswith(BROADCAST_PARTITION_PREFIX):
            return {
                "workflow_name": work.workflow_name,
                "queue_name": BROADCAST_QUEUE_NAME,
                "workflow_id": work.workflow_id,
                "app_version": APPLICATION_VERSION,
            }
        return {
            "workflow_name": work.workflow_name,
            "queue_name": QUEUE_NAME,
            "workflow_id": work.workflow_id,
            "queue_partition_key": work.partition_key,
            "app_version": APPLICATION_VERSION,
        }

    async def missing(self, workflow_ids: list[str]) -> set[str]:
        """Which of these workflows DBOS has never heard of (lost between our commit and the enqueue)."""
        if not workflow_ids:
            return set()
        known = await asyncio.to_thread(
            lambda: self.client.list_workflows(workflow_ids=workflow_ids, load_input=False, load_output=False)
        )
        return set(workflow_ids) - {status.workflow_id for status in known}

    async def cancel(self, workflow_ids: list[str]) -> None:
        if workflow_ids:
            await asyncio.to_thread(lambda: self.client.cancel_workflows(workflow_ids))

    def recover_executor(self, executor_id: str) -> int:
        """Put the unfinished workflows of an instance that will never come back into the queue
        again, for any running instance to take. Returns how many were re-queued."""
        sys_db = self.client._sys_db
        pending = sys_db.get_pending_workflows(executor_id, APPLICATION_VERSION)
        return sum(
            1
            for workflow in pending
            if sys_db.reenqueue_for_recovery(workflow.workflow_id, [executor_id], INTERNAL_QUEUE_NAME)
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.destroy()
            self._client = None


def requeue_stranded_claims(dbos: DBOS, executor_id: str, older_than_seconds: float) -> list[str]:
    """Put back in its queue each workflow this executor claimed over ``older_than_seconds`` ago
    that is not running in this process; returns their ids. Call from a worker thread.

    A claim's commit can reach the database while its answer is lost to a dropped connection:
    DBOS then never starts the workflows it claimed, though they stay PENDING under this
    executor, counted against their queue's limits (one at a time per conversation), until the
    executor is recovered. Running workflows are in DBOS's own in-process list from before they
    start until their outcome is written; the age spares the moment between a claim and its
    start. Putting back is DBOS's own recovery step (only a PENDING row still held by this
    executor), and a delivery run is safe to repeat (it skips a delivery no longer queued)."""
    dequeued_before = datetime.fromtimestamp(time.time() - older_than_seconds, UTC).isoformat()
    claimed = DBOS.list_workflows(
        status="PENDING",
        executor_id=executor_id,
        dequeued_before=dequeued_before,
        load_input=False,
        load_output=False,
    )
    # Read after the claims: a workflow that started meanwhile is in the list (or has finished,
    # and then is not PENDING any more, which the put-back checks).
    running = set(dbos._active_workflows_set.activeList())
    stranded = [workflow.workflow_id for workflow in claimed if workflow.workflow_id not in running]
    return [
        workflow_id
        for workflow_id in stranded
        if dbos._sys_db.reenqueue_for_recovery(workflow_id, [executor_id], INTERNAL_QUEUE_NAME)
    ]


class DeliveryEngine:
    """Owns the process-wide DBOS instance for one running app."""

    def __init__(self, config: DeliveryConfig) -> None:
        self._config = config
        self.launched = False
        self._dbos: DBOS | None = None
        self._watch: asyncio.Task[None] | None = None

    async def launch(self, worker: DeliveryWorker, queue: WorkQueue, jobs: Sequence[RecurringJob] = ()) -> None:
        """Create and launch DBOS, the delivery queue and the schedules of ``jobs`` (only these:
        qop schedules of other jobs are deleted). Call from the app's running event loop."""
        global _worker
        if _worker is not None:
            raise RuntimeError("a delivery engine is already running in this process")
        _worker = worker
        scheduling.register(jobs)
        try:
            # The queue is written before launch, so DBOS's queue thread serves it from the
            # start (it looks for queues registered later only once a second).
            await asyncio.to_thread(self._prepare_system_database, queue, jobs)
            self._dbos = DBOS(config=dbos_config(self._config))
            DBOS.launch()
        except BaseException:
            _worker = None
            self._dbos = None
            scheduling.unregister()
            await asyncio.to_thread(DBOS.destroy)
            raise
        self.launched = True
        self._watch = asyncio.create_task(self._watch_for_stranded_claims(self._dbos))
        logger.info("delivery engine running as executor %s", self._config.executor_id)

    async def _watch_for_stranded_claims(self, dbos: DBOS) -> None:
        """Every ``stranded_claim_seconds``, put back the claims that never started. While the
        database is away this finds nothing to do (DBOS's own threads log the outage)."""
        executor_id, every = self._config.executor_id, self._config.stranded_claim_seconds
        while True:
            await asyncio.sleep(every)
            try:
                requeued = await asyncio.to_thread(requeue_stranded_claims, dbos, executor_id, every)
            except Exception as error:
                if not database_unavailable(error):
                    logger.warning("could not look for stranded claims: %s", error)
                continue
            if requeued:
                logger.warning(
                    "put back in their queue %d workflow(s) this instance claimed but never started "
                    "(the claim's answer was lost to the database going away): %s",
                    len(requeued),
                    ", ".join(requeued),
                )

    def _prepare_system_database(self, queue: WorkQueue, jobs: Sequence[RecurringJob]) -> None:
        scheduling.apply(queue.client, jobs)  # the client migrates the tables and writes the queue first

    def shutdown(self) -> None:
        """Stop taking work, let sends already in flight finish (up to the configured wait), then
        destroy DBOS. It waits only when something is in flight: DBOS's wait sleeps whole seconds."""
        global _worker
        if not self.launched:
            return
        if self._watch is not None:
            # Called from a worker thread (DBOS's threads may need the loop while they stop).
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                self._watch.get_loop().call_soon_threadsafe(self._watch.cancel)
            self._watch = None
        wait = self._config.shutdown_wait_seconds if runs_in_flight() else 0
        DBOS.destroy(workflow_completion_timeout_sec=wait)
        self._dbos = None
        _worker = None
        scheduling.unregister()
        self.launched = False
