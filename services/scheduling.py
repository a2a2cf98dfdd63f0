"""Named recurring jobs on DBOS cron schedules: once across instances, caught up after downtime.

A ``RecurringJob`` is a name, a cron expression (5 fields, or 6 with seconds first) read in a
time zone, and an async handler that receives a ``Firing`` (the time it was scheduled for, so a
late run can say so). ``DeliveryEngine.launch`` stores the jobs as DBOS schedules in the system
database; every instance's DBOS scheduler then fires them.

**Once across instances.** DBOS names each firing ``sched-<schedule>-<scheduled time>`` and
starts a workflow under that id on its internal queue. Two instances firing the same time (or
a catch-up and a live firing) produce the same id, so the workflow runs once, on one instance.

**Clock changes** (jobs on local time, e.g. Europe/London). DBOS computes fire times with
``croniter`` in the job's zone (``fire_times`` below does exactly the same):

- autumn, the repeated hour (01:00-01:59 happens twice on the last Sunday of October): DBOS
  fires a ``30 1 * * *`` job at 01:30 BST *and* at 01:30 GMT, under two different ids. We run
  the first and skip the second (``is_repeated_wall_time``): a local-time job runs once per
  local wall-clock time;
- spring, the gap (01:00-01:59 does not exist on the last Sunday of March): DBOS fires a job
  set inside the gap once at 02:00 BST, the first moment after it. It is not skipped.

A job that should run every N minutes of real time (the reminder pass) uses ``every`` and UTC,
where neither case arises.

**Catch-up.** DBOS's own ``automatic_backfill`` replays *every* missed firing since the last
one, however old. Instead, ``catch_up`` (run by each instance a moment after launch) enqueues the
firings missed within ``SCHEDULE_CATCH_UP_HOURS`` since the schedule last fired: each of them
(``CatchUp.EACH``) or only the latest (``CatchUp.LATEST``, for jobs that look at "what is due
now", where one run covers all that was missed). It uses DBOS's backfill, so the ids are the
live scheduler's and nothing that already ran runs again. A new schedule (never fired) catches
nothing up.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from dbos import DBOS, ClientScheduleInput, DBOSClient

from services.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

SCHEDULE_PREFIX = "qop."
FIRE_WORKFLOW = "qop.schedule.fire"
LATE_AFTER = timedelta(minutes=1)
"""DBOS starts a firing up to 10 s late on purpose (jitter); later than this, it was caught up."""
NAME = re.compile(r"^[a-z][a-z0-9_.-]*$")


class CatchUp(StrEnum):
    EACH = "each"
    """Every missed firing inside the window runs (each with its own scheduled time)."""
    LATEST = "latest"
    """Only the latest missed firing runs (the job looks at everything due when it runs)."""


@dataclass(frozen=True)
class Firing:
    job: str
    scheduled_for: datetime
    """When it was due, UTC."""
    started_at: datetime

    @property
    def late(self) -> bool:
        return self.started_at - self.scheduled_for > LATE_AFTER


Handler = Callable[[Firing], Awaitable[object]]


@dataclass(frozen=True)
class RecurringJob:
    name: str
    cron: str
    run: Handler
    time_zone: str = "UTC"
    catch_up: CatchUp = CatchUp.EACH

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"job name {self.name!r}: lower-case letters, digits, '.', '_' or '-'")
        if not croniter.is_valid(self.cron, second_at_beginning=True):
            raise ValueError(f"job {self.name}: {self.cron!r} is not a cron expression (5 fields, or 6 with seconds)")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"job {self.name}: {self.time_zone!r} is not a time zone") from None

    @property
    def schedule_name(self) -> str:
        return SCHEDULE_PREFIX + self.name


def every(seconds: float) -> str:
    """A cron expression (6 fields) firing every ``seconds``: it must divide a minute, an hour or
    a day evenly (30, 300, 3600...), so the firings fall at the same times on every instance."""
    whole = int(seconds)
    if whole != seconds or whole <= 0:
        raise ValueError(f"an interval of {seconds} s is not a whole positive number of seconds")
    if whole < 60 and 60 % whole == 0:
        return f"*/{whole} * * * * *"
    if whole % 60 == 0 and whole < 3600 and 3600 % whole == 0:
        return f"0 */{whole // 60} * * * *"
    if whole % 3600 == 0 and 86400 % whole == 0:
        return f"0 0 */{whole // 3600} * * *"
    raise ValueError(f"an interval of {whole} s does not divide a minute, an hour or a day evenly")


def fire_times(cron: str, time_zone: str, after: datetime, until: datetime) -> list[datetime]:
    """The times DBOS fires ``cron`` strictly between ``after`` and ``until``, computed as DBOS
    does (``dbos._scheduler``: croniter in the zone, seconds first), aware, in the zone. Both
    passes of a repeated hour are in it; see ``is_repeated_wall_time``."""
    zone = ZoneInfo(time_zone)
    times = croniter(cron, after.astimezone(zone), second_at_beginning=True)
    found: list[datetime] = []
    while (moment := times.get_next(datetime)) < until:
        found.append(moment)
    return found


def is_repeated_wall_time(moment: datetime, time_zone: str) -> bool:
    """True for the second pass of a repeated local hour (01:30 GMT after 01:30 BST)."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def run_times(job: RecurringJob, after: datetime, until: datetime) -> list[datetime]:
    """When ``job`` actually runs between ``after`` and ``until`` (UTC): DBOS's fire times less
    the repeated-hour duplicates."""
    return [
        moment.astimezone(UTC)
        for moment in fire_times(job.cron, job.time_zone, after, until)
        if not is_repeated_wall_time(moment, job.time_zone)
    ]


# -- the workflow every schedule fires --------------------------------------------------------

_jobs: dict[str, RecurringJob] = {}
_clock: Clock = SystemClock()


def register(jobs: Sequence[RecurringJob], *, clock: Clock | None = None) -> None:
    """The jobs this process runs when DBOS fires them (the engine calls this at launch)."""
    global _clock
    _jobs.clear()
    _jobs.update({job.name: job for job in jobs})
    _clock = clock or SystemClock()


def unregister() -> None:
    _jobs.clear()


@DBOS.workflow(name=FIRE_WORKFLOW)
async def fire(scheduled_at: datetime, job_name: str) -> str:
    job = _jobs.get(job_name)
    if job is None:  # a schedule left by another version of qop, or the job is switched off here
        logger.warning("scheduled job %s is not known to this instance; skipped", job_name)
        return "unknown"
    if is_repeated_wall_time(scheduled_at, job.time_zone):
        return "repeated-hour"
    return await _run(job_name, scheduled_at.astimezone(UTC))


@DBOS.step(name="qop.schedule.run")
async def _run(job_name: str, scheduled_for: datetime) -> str:
    firing = Firing(job_name, scheduled_for, _clock.now())
    try:
        await _jobs[job_name].run(firing)
    except Exception:
        logger.exception("scheduled job %s (due %s) failed; its next firing tries again", job_name, scheduled_for)
        raise
    return "late" if firing.late else "on time"


# -- schedules in the system database -----------------------------------------------------------


def apply(client: DBOSClient, jobs: Sequence[RecurringJob]) -> None:
    """Create or update the jobs' schedules, and delete qop schedules no job has any more (a job
    switched off, or renamed). An unchanged schedule keeps its state (last firing, paused)."""
    entries: list[ClientScheduleInput] = [
        {
            "schedule_name": job.schedule_name,
            "workflow_name": FIRE_WORKFLOW,
            "schedule": job.cron,
            "context": job.name,
            "cron_timezone": job.time_zone,
        }
        for job in jobs
    ]
    if entries:
        client.apply_schedules(entries)
    wanted = {job.schedule_name for job in jobs}
    for schedule in client.list_schedules(schedule_name_prefix=SCHEDULE_PREFIX):
        if schedule["schedule_name"] not in wanted:
            client.delete_schedule(schedule["schedule_name"])


def catch_up(client: DBOSClient, jobs: Sequence[RecurringJob], window: timedelta, now: datetime) -> list[str]:
    """Enqueue the firings missed within ``window`` before ``now`` (see the module docstring).
    Returns the workflow ids (already run ones included: they do not run again)."""
    enqueued: list[str] = []
    for job in jobs:
        schedule = client.get_schedule(job.schedule_name)
        if schedule is None or schedule.get("status", "ACTIVE") != "ACTIVE" or not schedule["last_fired_at"]:
            continue
        start = max(datetime.fromisoformat(schedule["last_fired_at"]), now - window)
        missed = fire_times(job.cron, job.time_zone, start, now)
        if not missed:
            continue
        if job.catch_up is CatchUp.LATEST and len(missed) > 1:
            start = missed[-2]  # the window is exclusive at its start: only the latest remains
        handles = client.backfill_schedule(job.schedule_name, start, now)
        enqueued.extend(handle.workflow_id for handle in handles)
        logger.info("schedule %s: caught up %d missed firing(s)", job.schedule_name, len(handles))
    return enqueued


async def catch_up_soon(
    client: DBOSClient, jobs: Sequence[RecurringJob], window: timedelta, *, delay: float = 2.0
) -> list[str]:
    """``catch_up`` a moment after launch, once DBOS's scheduler is surely firing the schedules
    live (it looks for them every second at first): from then on nothing falls between the two."""
    await asyncio.sleep(delay)
    return await asyncio.to_thread(catch_up, client, jobs, window, datetime.now(UTC))
