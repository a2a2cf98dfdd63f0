"""Recurring jobs on DBOS cron schedules (services/scheduling.py).

Fire times are checked with explicit datetimes across the clock changes of 2026 and 2027 (no
sleeping): first on the computation DBOS's scheduler uses, then through the real DBOS (its
backfill creates the same workflow ids as its live scheduler) on both databases: each time runs
once however often it is enqueued, the autumn repeated hour runs a daily job once, and after
downtime the firings missed inside the catch-up window run once (late) and older ones do not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dbos import DBOSClient

from services import scheduling
from services.clock import FrozenClock
from services.scheduling import CatchUp, Firing, RecurringJob, every, fire_times, run_times
from tests.support.delivery import DeliveryHarness, eventually

LONDON = "Europe/London"
TZ = ZoneInfo(LONDON)
WEEKLY = "0 8 * * 1"  # Monday 08:00
DAILY = "30 1 * * *"  # 01:30, inside the hour the clocks change


async def _nothing(_firing: Firing) -> None:
    return None


def job(cron: str, *, name: str = "test-job", catch_up: CatchUp = CatchUp.EACH) -> RecurringJob:
    return RecurringJob(name, cron, _nothing, LONDON, catch_up)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


# -- fire times (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # spring forward (last Sunday of March): 08:00 GMT = 08:00Z, then 08:00 BST = 07:00Z
        ((2026, 3, 23), (2026, 3, 30)),
        ((2027, 3, 22), (2027, 3, 29)),
    ],
)
def test_weekly_monday_0800_stays_at_0800_local_over_spring_forward(
    before: tuple[int, ...], after: tuple[int, ...]
) -> None:
    runs = run_times(job(WEEKLY), local(*before, 0), local(*after, 23))
    assert runs == [utc(*before, 8), utc(*after, 7)]
    assert [run.astimezone(TZ).strftime("%a %H:%M") for run in runs] == ["Mon 08:00", "Mon 08:00"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ((2026, 10, 19), (2026, 10, 26)),  # clocks go back on Sunday 25 October 2026
        ((2027, 10, 25), (2027, 11, 1)),  # and on Sunday 31 October 2027
    ],
)
def test_weekly_monday_0800_stays_at_0800_local_over_fall_back(before: tuple[int, ...], after: tuple[int, ...]) -> None:
    runs = run_times(job(WEEKLY), local(*before, 0), local(*after, 23))
    assert runs == [utc(*before, 7), utc(*after, 8)]
    assert [run.astimezone(TZ).strftime("%a %H:%M") for run in runs] == ["Mon 08:00", "Mon 08:00"]


@pytest.mark.parametrize("sunday", [(2026, 10, 25), (2027, 10, 31)])
def test_dbos_fires_a_daily_0130_twice_in_the_repeated_hour_and_the_job_runs_once(sunday: tuple[int, ...]) -> None:
    day = datetime(*sunday, tzinfo=TZ)
    window = (day - timedelta(days=1), day + timedelta(days=2))

    fired = fire_times(DAILY, LONDON, *window)  # what DBOS enqueues
    runs = run_times(job(DAILY), *window)  # what runs

    on_the_day = [moment.isoformat() for moment in fired if moment.date() == day.date()]
    assert on_the_day == [f"{day:%Y-%m-%d}T01:30:00+01:00", f"{day:%Y-%m-%d}T01:30:00+00:00"]
    assert [run.astimezone(TZ).strftime("%d %H:%M") for run in runs] == [
        f"{day + timedelta(days=offset):%d} 01:30" for offset in (-1, 0, 1)
    ]
    assert utc(*sunday, 0, 30) in runs  # the BST one, the first to come


@pytest.mark.parametrize("sunday", [(2026, 3, 29), (2027, 3, 28)])
def test_a_daily_0130_in_the_spring_gap_runs_once_at_0200_bst(sunday: tuple[int, ...]) -> None:
    day = datetime(*sunday, tzinfo=TZ)
    runs = run_times(job(DAILY), day - timedelta(days=1), day + timedelta(days=2))

    assert [run.astimezone(TZ).strftime("%d %H:%M %Z") for run in runs] == [
        f"{day - timedelta(days=1):%d} 01:30 GMT",
        f"{day:%d} 02:00 BST",  # 01:30 does not exist that night: the first moment after it
        f"{day + timedelta(days=1):%d} 01:30 BST",
    ]


def test_every_instance_computes_the_same_fire_times_wherever_it_starts() -> None:
    # Instances start at different moments (one inside the repeated hour); DBOS's workflow id is
    # the fire time's isoformat, so the same instant must come out written the same way.
    end = utc(2026, 10, 27)
    reference = {moment.isoformat() for moment in fire_times(DAILY, LONDON, utc(2026, 10, 23), end)}
    for start in (utc(2026, 10, 24, 23, 59), utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 10)):
        later = {moment.isoformat() for moment in fire_times(DAILY, LONDON, start, end)}
        assert later <= reference and later


def test_every_turns_an_interval_into_a_cron_that_fires_at_the_same_times_everywhere() -> None:
    assert every(1) == "*/1 * * * * *"
    assert every(300) == "0 */5 * * * *"
    assert every(60) == "0 */1 * * * *"
    assert every(3600) == "0 0 */1 * * *"
    fired = fire_times(every(300), "UTC", utc(2026, 10, 25, 0, 2), utc(2026, 10, 25, 0, 16))
    assert [moment.strftime("%H:%M:%S") for moment in fired] == ["00:05:00", "00:10:00", "00:15:00"]
    for bad in (0, 45, 1.5, 420, 7200 * 5):
        with pytest.raises(ValueError):
            every(bad)


def test_a_job_with_a_bad_cron_zone_or_name_is_refused() -> None:
    with pytest.raises(ValueError):
        job("every monday")
    with pytest.raises(ValueError):
        RecurringJob("test-job", WEEKLY, _nothing, "Europe/Nowhere")
    with pytest.raises(ValueError):
        job(WEEKLY, name="Test Job")


# -- through the real DBOS ---------------------------------------------------------------------


class Recorder:
    """A job's handler: writes down the time of each firing it runs."""

    def __init__(self) -> None:
        self.runs: list[Firing] = []

    async def __call__(self, firing: Firing) -> None:
        self.runs.append(firing)

    def times(self, after: datetime, until: datetime) -> list[datetime]:
        # Only inside the test's explicit window: the live schedule could fire at a real 01:30.
        return sorted(firing.scheduled_for for firing in self.runs if after < firing.scheduled_for < until)


def client_of(delivery: DeliveryHarness) -> DBOSClient:
    return delivery.services.delivery.queue.client


async def settled(client: DBOSClient, workflow_ids: list[str]) -> list[str]:
    """The outputs of these workflows once all have finished."""

    async def check() -> list[str] | None:
        found = await asyncio.to_thread(client.list_workflows, workflow_ids=workflow_ids)
        done = [status for status in found if status.status in ("SUCCESS", "ERROR")]
        return [str(status.output) for status in done] if len(done) == len(set(workflow_ids)) else None

    return await eventually(check, within=60, what=f"{len(set(workflow_ids))} scheduled workflows to finish")


async def start(delivery: DeliveryHarness, recurring: RecurringJob, now: datetime) -> DBOSClient:
    client = client_of(delivery)
    scheduling.register([recurring], clock=FrozenClock(now))
    await asyncio.to_thread(scheduling.apply, client, [recurring])
    return client


async def test_each_time_runs_once_however_often_it_is_enqueued_and_the_repeated_hour_once(
    delivery: DeliveryHarness,
) -> None:
    recorder = Recorder()
    daily = RecurringJob("daily", DAILY, recorder, LONDON)
    after, until = utc(2026, 10, 24), utc(2026, 10, 27)
    client = await start(delivery, daily, until)

    # Two instances enqueue the same firings (DBOS's own backfill, the live scheduler's ids).
    first, second = await asyncio.gather(
        asyncio.to_thread(client.backfill_schedule, daily.schedule_name, after, until),
        asyncio.to_thread(client.backfill_schedule, daily.schedule_name, after, until),
    )
    ids = [handle.workflow_id for handle in first]
    assert ids == [handle.workflow_id for handle in second]
    assert ids == [f"sched-qop.daily-{moment.isoformat()}" for moment in fire_times(DAILY, LONDON, after, until)]
    assert len(ids) == 4  # DBOS fires the 25th twice: 01:30 BST and 01:30 GMT

    outputs = await settled(client, ids)
    assert sorted(outputs) == ["late", "late", "late", "repeated-hour"]
    assert recorder.times(after, until) == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    assert all(firing.late for firing in recorder.runs)


async def test_after_downtime_missed_firings_inside_the_window_run_once_late_and_older_ones_not(
    delivery: DeliveryHarness,
) -> None:
    recorder = Recorder()
    daily = RecurringJob("daily", DAILY, recorder, LONDON)
    now = utc(2027, 3, 30, 12)  # down since before the spring clock change
    client = await start(delivery, daily, now)
    assert await asyncio.to_thread(scheduling.catch_up, client, [daily], timedelta(hours=60), now) == []  # never fired

    await asyncio.to_thread(
        client._sys_db.update_last_fired_at, daily.schedule_name, local(2027, 3, 24, 1, 30).isoformat()
    )
    window = timedelta(hours=60)  # from 28 March 00:00Z
    # Both instances come back and catch up.
    first, second = await asyncio.gather(
        asyncio.to_thread(scheduling.catch_up, client, [daily], window, now),
        asyncio.to_thread(scheduling.catch_up, client, [daily], window, now),
    )
    assert first == second
    await settled(client, first)

    since = local(2027, 3, 24, 1, 30)
    assert recorder.times(since, now) == [utc(2027, 3, 28, 1), utc(2027, 3, 29, 0, 30), utc(2027, 3, 30, 0, 30)]
    assert [firing.started_at for firing in recorder.runs] == [now] * 3 and all(f.late for f in recorder.runs)
    # 25, 26 and 27 March were missed too, but longer ago than the window: they stay missed.


async def test_a_job_that_looks_at_what_is_due_catches_up_only_its_latest_firing(delivery: DeliveryHarness) -> None:
    recorder = Recorder()
    frequent = RecurringJob("frequent", every(300), recorder, "UTC", CatchUp.LATEST)
    now = utc(2026, 11, 2, 9, 3)
    client = await start(delivery, frequent, now)
    await asyncio.to_thread(
        client._sys_db.update_last_fired_at, frequent.schedule_name, utc(2026, 11, 2, 8).isoformat()
    )

    ids = await asyncio.to_thread(scheduling.catch_up, client, [frequent], timedelta(hours=6), now)

    assert len(ids) == 1
    await settled(client, ids)
    assert recorder.times(utc(2026, 11, 2, 8), now) == [utc(2026, 11, 2, 9)]


async def test_apply_keeps_a_schedules_state_and_deletes_the_schedules_of_jobs_gone(delivery: DeliveryHarness) -> None:
    client = client_of(delivery)
    kept, dropped = job(WEEKLY, name="kept"), job(DAILY, name="dropped")
    await asyncio.to_thread(scheduling.apply, client, [kept, dropped])
    await asyncio.to_thread(client._sys_db.update_last_fired_at, kept.schedule_name, "2026-11-02T08:00:00+00:00")

    await asyncio.to_thread(scheduling.apply, client, [kept])

    [schedule] = await asyncio.to_thread(client.list_schedules, schedule_name_prefix=scheduling.SCHEDULE_PREFIX)
    assert schedule["schedule_name"] == "qop.kept" and schedule["cron_timezone"] == LONDON
    assert schedule["last_fired_at"] == "2026-11-02T08:00:00+00:00"
    # What each instance does a moment after launch: a weekly job last fired two days ago has no
    # firing inside a 6-hour window to catch up (on a fixed Wednesday: on a real Monday morning
    # the week's 08:00 firing would be inside it).
    wednesday_noon = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
    assert await asyncio.to_thread(scheduling.catch_up, client, [kept], timedelta(hours=6), wednesday_noon) == []
