"""Report and purge records past their retention period.

``report`` counts what is due per kind (and the oldest such record's date). ``purge`` claims a
run by its key (``retention_runs.run_key`` is unique: a scheduled firing's key is its time, so of
two instances, or a retry, only one purges), removes due rows in batches of the policy's size,
one transaction per batch, and writes the counts per kind (never content) to the access log.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import access_log
from services.clock import Clock
from services.retention.policy import Kind, Period, RetentionPolicy
from services.retention.rules import RULES, Rule
from storage.models import RetentionRun

logger = logging.getLogger(__name__)

PURGE = "purge"
RECORD_TYPE = "retention"


@dataclass(frozen=True)
class DueRecords:
    kind: Kind
    records: str
    keep: Period
    cutoff: datetime | None
    count: int
    oldest: date | None


@dataclass
class PurgeResult:
    run_id: int | None
    removed: Counter[str] = field(default_factory=Counter)
    already_ran: bool = False

    @property
    def total(self) -> int:
        return sum(self.removed.values())


class RetentionService:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, policy: RetentionPolicy) -> None:
        self._sessions = sessions
        self._clock = clock
        self.policy = policy

    async def report(self) -> list[DueRecords]:
        """What is due now, per rule, in the order the purge removes it."""
        now = self._clock.now()
        found: list[DueRecords] = []
        async with self._sessions() as session:
            for rule in RULES:
                cutoff = self.policy.cutoff(rule.kind, now)
                count, oldest = 0, None
                if cutoff is not None:
                    due = rule.due(cutoff).order_by(None).subquery()
                    row = (await session.execute(select(func.count(), func.min(due.c[1])))).one()
                    count, oldest = row[0], _as_date(row[1])
                found.append(DueRecords(rule.kind, rule.records, self.policy.keep[rule.kind], cutoff, count, oldest))
        return found

    async def purge(self, run_key: str | None = None) -> PurgeResult:
        """Remove everything due, once per ``run_key`` (a fresh key when None: a run by hand)."""
        run_key = run_key or f"manual:{uuid.uuid4().hex}"
        run_id = await self._claim(run_key)
        if run_id is None:
            logger.info("retention purge %s already ran; skipped", run_key)
            return PurgeResult(None, already_ran=True)
        result = PurgeResult(run_id)
        now = self._clock.now()
        for rule in RULES:
            cutoff = self.policy.cutoff(rule.kind, now)
            if cutoff is not None:
                removed = await self._purge_rule(rule, cutoff)
                if removed:
                    result.removed[f"{rule.kind}: {rule.records}"] += removed
        await self._finish(run_id, run_key, result)
        return result

    async def _claim(self, run_key: str) -> int | None:
        try:
            async with self._sessions() as session, session.begin():
                run = RetentionRun(run_key=run_key, started_at=self._clock.now(), removed={})
                session.add(run)
                await session.flush()
                return run.id
        except IntegrityError:
            return None

    async def _purge_rule(self, rule: Rule, cutoff: datetime) -> int:
        removed = 0
        while True:
            async with self._sessions() as session, session.begin():
                ids = list(await session.scalars(rule.due(cutoff).limit(self.policy.batch_size)))
                if not ids:
                    return removed
                await rule.remove(session, ids)
            removed += len(ids)

    async def _finish(self, run_id: int, run_key: str, result: PurgeResult) -> None:
        counts = dict(sorted(result.removed.items()))
        async with self._sessions() as session, session.begin():
            run = await session.get_one(RetentionRun, run_id)
            run.removed = counts
            run.finished_at = self._clock.now()
            summary = f"Retention purge removed {result.total} record(s)" if counts else "Retention purge: nothing due"
            await access_log.record(
                session,
                None,
                PURGE,
                RECORD_TYPE,
                run_id,
                {"run_key": run_key, "removed": counts, "policy": self.policy.source},
                summary=summary,
            )
        logger.info("retention purge %s removed %d record(s): %s", run_key, result.total, counts)

    async def last_run(self) -> RetentionRun | None:
        async with self._sessions() as session:
            return await session.scalar(select(RetentionRun).order_by(RetentionRun.started_at.desc()).limit(1))


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):  # SQLite answers min() over a datetime column as text
        return date.fromisoformat(value[:10])
    return None
