"""The SQL behind digests and quarterly reports: GROUP BY queries, one per measure.

Every query takes the scope as a list of team ids (None = the whole service) and the periods as
UTC boundaries computed in local time by ``services.digest.periods``. Counts for several periods
come from one query: a CASE expression puts each row in its period ("bucket" 0 = oldest) and the
query groups by it, so the database never returns individual rows except the few quotes and
overdue actions a card shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Action,
    ActionStatus,
    AuditAssignment,
    AuditGrade,
    AuditModeration,
    AuditStatus,
    AuditSubmission,
    FeedbackResponse,
    Person,
    Team,
)


@dataclass(frozen=True)
class Bucket:
    """One period as the queries need it: UTC instants and local dates (for date columns)."""

    start_utc: datetime
    end_utc: datetime
    first_day: date
    end_day: date


TeamIds = Sequence[int] | None
"""The teams a digest covers; None means the whole service."""


async def teams_of_area(session: AsyncSession, service_area_id: int) -> list[int]:
    return list(await session.scalars(select(Team.id).where(Team.service_area_id == service_area_id)))


async def _core(session: AsyncSession, query: Any) -> Any:
    """Run a Core query on the session's connection: aggregates need no ORM identity map."""
    return await (await session.connection()).execute(query)


async def _core_scalar(session: AsyncSession, query: Any) -> Any:
    return (await _core(session, query)).scalar()


def _in_scope(column: Any, team_ids: TeamIds) -> ColumnElement[bool]:
    return true() if team_ids is None else column.in_(list(team_ids) or [-1])


def _bucket_of(column: Any, buckets: Sequence[Bucket], *, dates: bool = False) -> Any:
    whens = [
        (and_(column >= (b.first_day if dates else b.start_utc), column < (b.end_day if dates else b.end_utc)), index)
        for index, b in enumerate(buckets)
    ]
    return case(*whens, else_=literal(-1)).label("bucket")


def _within(column: Any, buckets: Sequence[Bucket], *, dates: bool = False) -> ColumnElement[bool]:
    if dates:
        return and_(column >= buckets[0].first_day, column < buckets[-1].end_day)
    return and_(column >= buckets[0].start_utc, column < buckets[-1].end_utc)


def _json_pairs(session: AsyncSession, column: Any) -> Any:
    """Each (key, text value) of a JSON column as a table-valued function of this dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_each_text(column).table_valued("key", "value")
    return func.json_each(column).table_valued("key", "value")


# -- audits ------------------------------------------------------------------------------------


def _audit_grade() -> Any:
    """The grade that counts: the moderated one when a moderator changed it."""
    return func.coalesce(AuditModeration.moderated_grade, AuditGrade.grade)


def _graded(team_ids: TeamIds) -> Select[Any]:
    return (
        select()
        .select_from(AuditGrade)
        .join(AuditSubmission, AuditSubmission.id == AuditGrade.submission_id)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .outerjoin(AuditModeration, AuditModeration.grade_id == AuditGrade.id)
        .where(_in_scope(AuditAssignment.team_id, team_ids))
    )


async def audits_completed(session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket]) -> dict[int, int]:
    """Submitted audits per bucket (cancelled ones excluded)."""
    bucket = _bucket_of(AuditSubmission.submitted_at, buckets)
    query = (
        select(bucket, func.count())
        .select_from(AuditSubmission)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            _within(AuditSubmission.submitted_at, buckets),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _in_scope(AuditAssignment.team_id, team_ids),
        )
        .group_by(bucket)
    )
    return {row[0]: row[1] for row in await _core(session, query)}


async def audits_planned(session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket]) -> dict[int, int]:
    """Audits due per bucket (by due date), whatever became of them except cancellation."""
    bucket = _bucket_of(AuditAssignment.due_date, buckets, dates=True)
    query = (
        select(bucket, func.count())
        .where(
            _within(AuditAssignment.due_date, buckets, dates=True),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _in_scope(AuditAssignment.team_id, team_ids),
        )
        .group_by(bucket)
    )
    return {row[0]: row[1] for row in await _core(session, query)}


async def overall_grades(
    session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket]
) -> dict[int, dict[str, int]]:
    """Bucket -> overall grade -> number of audits."""
    bucket = _bucket_of(AuditSubmission.submitted_at, buckets)
    grade = _audit_grade()
    query = (
        _graded(team_ids)
        .add_columns(bucket, grade, func.count())
        .where(AuditGrade.is_overall.is_(True), _within(AuditSubmission.submitted_at, buckets))
        .group_by(bucket, grade)
    )
    result: dict[int, dict[str, int]] = {}
    for index, value, count in await _core(session, query):
        result.setdefault(index, {})[value] = count
    return result


async def stage_grades(session: AsyncSession, team_ids: TeamIds, bucket: Bucket) -> dict[str, dict[str, int]]:
    """Stage (section id) -> grade -> count, in one period."""
    grade = _audit_grade()
    query = (
        _graded(team_ids)
        .add_columns(AuditGrade.section_id, grade, func.count())
        .where(AuditGrade.is_overall.is_(False), _within(AuditSubmission.submitted_at, [bucket]))
        .group_by(AuditGrade.section_id, grade)
    )
    result: dict[str, dict[str, int]] = {}
    for section, value, count in await _core(session, query):
        result.setdefault(section, {})[value] = count
    return result


async def audit_answer_counts(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, question_ids: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Question id -> answer -> count for the named questions (e.g. the cross-cutting themes)."""
    pairs = _json_pairs(session, AuditSubmission.answers)
    query = (
        select(pairs.c.key, pairs.c.value, func.count())
        .select_from(AuditSubmission)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .join(pairs, true())
        .where(
            _within(AuditSubmission.submitted_at, [bucket]),
            _in_scope(AuditAssignment.team_id, team_ids),
            pairs.c.key.in_(list(question_ids)),
        )
        .group_by(pairs.c.key, pairs.c.value)
    )
    result: dict[str, dict[str, int]] = {}
    for key, value, count in await _core(session, query):
        result.setdefault(key, {})[value] = count
    return result


async def audit_texts(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, question_id: str, *, limit: int
) -> list[str]:
    """The newest answers to one free-text question."""
    text_value = AuditSubmission.answers[question_id].as_string()
    query = (
        select(text_value)
        .select_from(AuditSubmission)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(
            _within(AuditSubmission.submitted_at, [bucket]),
            _in_scope(AuditAssignment.team_id, team_ids),
            text_value.is_not(None),
        )
        .order_by(AuditSubmission.submitted_at.desc())
        .limit(limit)
    )
    return [row[0] for row in await _core(session, query)]


# -- feedback ----------------------------------------------------------------------------------


def _feedback_team() -> tuple[Any, Any]:
    worker = aliased(Person)
    return worker, func.coalesce(FeedbackResponse.group_team_id, worker.team_id)


def _feedback(team_ids: TeamIds, buckets: Sequence[Bucket], *columns: Any) -> Select[Any]:
    worker, team = _feedback_team()
    return (
        select(*columns)
        .select_from(FeedbackResponse)
        .outerjoin(worker, worker.id == FeedbackResponse.worker_id)
        .where(_within(FeedbackResponse.submitted_at, buckets), _in_scope(team, team_ids))
    )


def scale_score(scale_questions: dict[str, str]) -> Any:
    """The 0-10 answer of each template's scale question (template id -> question id)."""
    whens = [
        (FeedbackResponse.template_key == template, FeedbackResponse.answers[question].as_float())
        for template, question in scale_questions.items()
    ]
    return case(*whens, else_=None) if whens else literal(None)


async def feedback_volumes(
    session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket], scale_questions: dict[str, str]
) -> dict[int, tuple[int, float | None, int]]:
    """Bucket -> (responses, average 0-10 score, how many answered a scale question)."""
    bucket = _bucket_of(FeedbackResponse.submitted_at, buckets)
    score = scale_score(scale_questions)
    query = _feedback(team_ids, buckets, bucket, func.count(), func.avg(score), func.count(score)).group_by(bucket)
    return {row[0]: (row[1], None if row[2] is None else float(row[2]), row[3]) for row in await _core(session, query)}


async def feedback_agreement(
    session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket], agree_values: Sequence[str]
) -> dict[int, dict[str, int]]:
    """Bucket -> agreement answer (strongly_agree ... dont_know) -> count, over every agree5 answer."""
    pairs = _json_pairs(session, FeedbackResponse.answers)
    bucket = _bucket_of(FeedbackResponse.submitted_at, buckets)
    query = (
        _feedback(team_ids, buckets, bucket, pairs.c.value, func.count())
        .join(pairs, true())
        .where(pairs.c.value.in_(list(agree_values)))
        .group_by(bucket, pairs.c.value)
    )
    result: dict[int, dict[str, int]] = {}
    for index, value, count in await _core(session, query):
        result.setdefault(index, {})[value] = count
    return result


async def feedback_texts(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, text_questions: Sequence[str], *, limit: int
) -> list[str]:
    """The newest free-text feedback answers (the templates' free-text question ids)."""
    pairs = _json_pairs(session, FeedbackResponse.answers)
    query = (
        _feedback(team_ids, [bucket], pairs.c.value)
        .join(pairs, true())
        .where(pairs.c.key.in_(list(text_questions)), func.length(pairs.c.value) > 0)
        .order_by(FeedbackResponse.submitted_at.desc())
        .limit(limit)
    )
    return [row[0] for row in await _core(session, query)]


# -- actions -----------------------------------------------------------------------------------


def _owned(team_ids: TeamIds, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Action)
        .join(Person, Person.id == Action.owner_id)
        .where(_in_scope(Person.team_id, team_ids))
    )


def _open_and_overdue_at(bucket: Bucket) -> ColumnElement[bool]:
    """Open at the period's end and already past its due date then."""
    return and_(
        Action.created_at < bucket.end_utc,
        Action.due_date < bucket.end_day,
        or_(Action.completed_at.is_(None), Action.completed_at >= bucket.end_utc),
        or_(Action.cancelled_at.is_(None), Action.cancelled_at >= bucket.end_utc),
    )


def _impact_evidenced() -> ColumnElement[bool]:
    return and_(Action.impact_answer.is_not(None), Action.impact_more_asked.is_(False))


async def action_counts(session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket]) -> list[dict[str, int]]:
    """Per bucket: actions new, done, overdue at the period's end, and impact evidenced."""
    columns = []
    for index, b in enumerate(buckets):
        within = [b]
        columns += [
            func.sum(case((_within(Action.created_at, within), 1), else_=0)).label(f"new_{index}"),
            func.sum(case((_within(Action.completed_at, within), 1), else_=0)).label(f"done_{index}"),
            func.sum(case((_open_and_overdue_at(b), 1), else_=0)).label(f"overdue_{index}"),
            func.sum(case((and_(_within(Action.impact_reviewed_at, within), _impact_evidenced()), 1), else_=0)).label(
                f"impact_{index}"
            ),
        ]
    row = (await _core(session, _owned(team_ids, *columns))).one()
    names = ("new", "done", "overdue", "impact")
    return [
        {name: int(row[index * 4 + offset] or 0) for offset, name in enumerate(names)} for index in range(len(buckets))
    ]


async def overdue_actions(
    session: AsyncSession, team_ids: TeamIds, today: date, *, limit: int
) -> tuple[int, list[tuple[str, str, date, str | None]]]:
    """(how many, the oldest few as (description, owner name, due date, case reference))."""
    condition = and_(Action.status == ActionStatus.OPEN.value, Action.due_date < today)
    total = func.count().over().label("total")  # every overdue action, counted in the same query
    rows = list(
        await _core(
            session,
            _owned(team_ids, Action.description, Person.display_name, Action.due_date, Action.case_reference, total)
            .where(condition)
            .order_by(Action.due_date, Action.id)
            .limit(limit),
        )
    )
    return (int(rows[0][4]) if rows else 0), [(r[0], r[1], r[2], r[3]) for r in rows]


async def impact_texts(session: AsyncSession, team_ids: TeamIds, bucket: Bucket, *, limit: int) -> list[str]:
    rows = await _core(
        session,
        _owned(team_ids, Action.impact_answer)
        .where(_within(Action.impact_reviewed_at, [bucket]), _impact_evidenced())
        .order_by(Action.impact_reviewed_at.desc())
        .limit(limit),
    )
    return [r[0] for r in rows]


async def moderation_outcomes(session: AsyncSession, team_ids: TeamIds, bucket: Bucket) -> dict[str, int]:
    """Outcome (agreed / raised / lowered) -> moderated overall grades, for audits of the period."""
    query = (
        _graded(team_ids)
        .add_columns(AuditModeration.outcome, func.count())
        .where(
            AuditGrade.is_overall.is_(True),
            AuditModeration.id.is_not(None),
            _within(AuditSubmission.submitted_at, [bucket]),
        )
        .group_by(AuditModeration.outcome)
    )
    return {row[0]: row[1] for row in await _core(session, query)}


# -- quarterly report breakdowns ---------------------------------------------------------------


async def audits_by_team(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket
) -> list[tuple[str, int, int, int, int]]:
    """(team, planned, completed, good or better, inadequate) per team, by team name."""
    planned = (
        select(AuditAssignment.team_id.label("team_id"), func.count().label("n"))
        .where(
            _within(AuditAssignment.due_date, [bucket], dates=True),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _in_scope(AuditAssignment.team_id, team_ids),
        )
        .group_by(AuditAssignment.team_id)
        .subquery()
    )
    grade = _audit_grade()
    graded = (
        _graded(team_ids)
        .add_columns(
            AuditAssignment.team_id.label("team_id"),
            func.count().label("completed"),
            func.sum(case((grade.in_(["outstanding", "good"]), 1), else_=0)).label("good"),
            func.sum(case((grade == "inadequate", 1), else_=0)).label("inadequate"),
        )
        .where(AuditGrade.is_overall.is_(True), _within(AuditSubmission.submitted_at, [bucket]))
        .group_by(AuditAssignment.team_id)
        .subquery()
    )
    query = (
        select(
            Team.name,
            func.coalesce(planned.c.n, 0),
            func.coalesce(graded.c.completed, 0),
            func.coalesce(graded.c.good, 0),
            func.coalesce(graded.c.inadequate, 0),
        )
        .outerjoin(planned, planned.c.team_id == Team.id)
        .outerjoin(graded, graded.c.team_id == Team.id)
        .where(_in_scope(Team.id, team_ids), or_(planned.c.n.is_not(None), graded.c.completed.is_not(None)))
        .order_by(Team.name)
    )
    return [(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in await _core(session, query)]


async def feedback_by_template(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, scale_questions: dict[str, str]
) -> list[tuple[str, int, float | None, int]]:
    """(template, responses, average 0-10 score, scored responses) per feedback template."""
    score = scale_score(scale_questions)
    query = (
        _feedback(team_ids, [bucket], FeedbackResponse.template_key, func.count(), func.avg(score), func.count(score))
        .group_by(FeedbackResponse.template_key)
        .order_by(FeedbackResponse.template_key)
    )
    return [(r[0], int(r[1]), None if r[2] is None else float(r[2]), int(r[3])) for r in await _core(session, query)]


async def scale_summary(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, question_id: str
) -> tuple[int, float | None]:
    """(audits with a Signs of Safety scaling judgement, its average) in the period."""
    value = AuditSubmission.answers[question_id].as_float()
    query = (
        select(func.count(value), func.avg(value))
        .select_from(AuditSubmission)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(_within(AuditSubmission.submitted_at, [bucket]), _in_scope(AuditAssignment.team_id, team_ids))
    )
    row = (await _core(session, query)).one()
    return int(row[0]), None if row[1] is None else float(row[1])


async def actions_due_by_source(
    session: AsyncSession, team_ids: TeamIds, first_day: date, end_day: date
) -> list[tuple[str, int]]:
    """Open actions due in [first_day, end_day), per source (audit, survey, QIM...): the plans."""
    query = (
        _owned(team_ids, Action.source, func.count())
        .where(Action.status == ActionStatus.OPEN.value, Action.due_date >= first_day, Action.due_date < end_day)
        .group_by(Action.source)
        .order_by(Action.source)
    )
    return [(r[0], int(r[1])) for r in await _core(session, query)]
