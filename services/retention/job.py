"""The nightly retention purge as a recurring job on the delivery engine's schedules.

The job's cron and time zone come from the retention policy (02:30 Europe/London by default).
DBOS fires each scheduled time once across instances; the purge also claims the firing by its
time (``retention_runs.run_key``), so a retried step does not purge twice. After downtime only the
latest missed firing runs: one purge removes everything due by then.
"""

from __future__ import annotations

from services.retention.service import RetentionService
from services.scheduling import CatchUp, Firing, RecurringJob

RETENTION = "retention"


def run_key(firing: Firing) -> str:
    return f"schedule:{firing.scheduled_for.isoformat()}"


def retention_job(service: RetentionService) -> RecurringJob:
    async def purge(firing: Firing) -> None:
        await service.purge(run_key(firing))

    policy = service.policy
    return RecurringJob(RETENTION, policy.purge_cron, purge, policy.time_zone, CatchUp.LATEST)
