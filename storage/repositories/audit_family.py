"""Queries for the family's view inside an audit: its answers, its waiting links and the reason
recorded when it could not be had."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Integer,
    String,
    bindparam,
    delete,
    exists,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditAssignment, AuditFamilyReason, AuditSubmission, FeedbackLink, FeedbackResponse


async def reason_for(session: AsyncSession, assignment_id: int) -> AuditFamilyReason | None:
    return await session.get(AuditFamilyReason, assignment_id)


async def record_reason(
    session: AsyncSession, assignment_id: int, *, reason: str, tries: int | None, now: datetime
) -> None:
    """Record (or replace) why the audit goes without the family's view."""
    row = await session.get(AuditFamilyReason, assignment_id)
    if row is None:
        session.add(AuditFamilyReason(assignment_id=assignment_id, reason=reason, tries=tries, recorded_at=now))
    else:
        row.reason, row.tries, row.recorded_at = reason, tries, now
    await session.flush()


@dataclass(frozen=True)
class FamilyAnswerRow:
    template_key: str
    template_version: int
    answers: dict[str, Any]
    channel: str
    submitted_at: datetime
    late: bool


@dataclass(frozen=True)
class WaitingLinkRow:
    template_key: str
    template_version: int
    expires_at: datetime


@dataclass(frozen=True)
class FamilyRows:
    """What an audit holds of the family's view: their answers (oldest first), the links still
    open (soonest to expire first) and the reason recorded for going without it (reason, tries)."""

    answers: tuple[FamilyAnswerRow, ...]
    waiting: tuple[WaitingLinkRow, ...]
    reason: tuple[str, int | None] | None


def _family_query() -> CompoundSelect:
    """The family's answers, the links still open and the reason recorded, in one statement
    (Core, one round trip): rows of (kind, template key, template version, answers, channel, at, late, reason,
    tries, link id, response id). Parameters: ``assignment_id`` and ``now``."""
    assignment_id = bindparam("assignment_id", type_=Integer)
    now = bindparam("now", type_=FeedbackLink.__table__.c.expires_at.type)
    text, number, flag = null().cast(String), null().cast(Integer), null().cast(Boolean)
    no_answers = null().cast(FeedbackResponse.__table__.c.answers.type)
    response, link, reason = FeedbackResponse.__table__.c, FeedbackLink.__table__.c, AuditFamilyReason.__table__.c

    def kind(name: str) -> Any:
        return literal(name, String).label("kind")

    return union_all(
        select(
            kind("answer"),
            response.template_key.label("template_key"),
            response.template_version.label("template_version"),
            response.answers.label("answers"),
            response.channel.label("channel"),
            response.submitted_at.label("at"),
            response.late.label("late"),
            text.label("reason"),
            number.label("tries"),
            number.label("link_id"),
            response.id.label("response_id"),
        ).where(response.assignment_id == assignment_id),
        select(
            kind("link"),
            link.template_key,
            link.template_version,
            no_answers,
            text,
            link.expires_at,
            flag,
            text,
            number,
            link.id,
            text,
        ).where(link.assignment_id == assignment_id, link.used_at.is_(None), link.expires_at > now),
        select(
            kind("reason"),
            text,
            number,
            no_answers,
            text,
            reason.recorded_at,
            flag,
            reason.reason,
            reason.tries,
            number,
            text,
        ).where(reason.assignment_id == assignment_id),
    )


_FAMILY = _family_query()


async def family_rows(session: AsyncSession, assignment_id: int, *, now: datetime) -> FamilyRows:
    """The audit's family answers, waiting links and reason (see ``FamilyRows``), read in one
    statement where reading them one by one took three: every audit page card shows them."""
    answers: list[tuple[Any, ...]] = []
    waiting: list[tuple[Any, ...]] = []
    reason: tuple[str, int | None] | None = None
    for row in await session.execute(_FAMILY, {"assignment_id": assignment_id, "now": now}):
        if row.kind == "answer":
            answer = FamilyAnswerRow(
                row.template_key, row.template_version, row.answers, row.channel, row.at, bool(row.late)
            )
            answers.append((row.at, row.response_id, answer))
        elif row.kind == "link":
            waiting.append((row.at, row.link_id, WaitingLinkRow(row.template_key, row.template_version, row.at)))
        else:
            reason = (row.reason, row.tries)
    return FamilyRows(
        answers=tuple(entry[2] for entry in sorted(answers, key=lambda entry: entry[:2])),
        waiting=tuple(entry[2] for entry in sorted(waiting, key=lambda entry: entry[:2])),
        reason=reason,
    )


async def has_family_answers(session: AsyncSession, assignment_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(FeedbackResponse.assignment_id == assignment_id))))


async def audit_submitted(session: AsyncSession, assignment_id: int) -> bool:
    """Whether the audit is closed to the family's answers counting on time."""
    return bool(await session.scalar(select(exists().where(AuditSubmission.assignment_id == assignment_id))))


async def practitioner_of(session: AsyncSession, assignment_id: int) -> int | None:
    return await session.scalar(select(AuditAssignment.practitioner_id).where(AuditAssignment.id == assignment_id))


async def forget_audits(session: AsyncSession, assignment_ids: Sequence[int]) -> None:
    """Before audits are removed: their reasons go, their links and answers stay (the family's
    feedback has its own retention) but no longer point at them."""
    await session.execute(delete(AuditFamilyReason).where(AuditFamilyReason.assignment_id.in_(assignment_ids)))
    for table in (FeedbackLink, FeedbackResponse):
        await session.execute(update(table).where(table.assignment_id.in_(assignment_ids)).values(assignment_id=None))
