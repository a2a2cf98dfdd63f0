"""The SQL behind digests and quarterly reports: GROUP BY queries over all the periods at once.

Every query takes the scope as a list of team ids (None = the whole service) and the periods as
UTC boundaries computed in local time by ``views.periods``. Counts for several periods
come from one query: a CASE expression puts each row in its period ("bucket" 0 = oldest) and the
query groups by it, so the database never returns individual rows except the few quotes and
overdue actions a card shows. Measures over the same rows share one query (audits completed and
planned; overall grades, stage grades and moderation; feedback volumes and agreement), so a
digest costs ten round trips (the tenth counts the audits with the family's view).

Audits are counted and graded per audit type (standard, themed, dip sample, multi-agency): the
type is a CASE over the submission's (or round's) template id, from what the templates say, so
a themed audit or a dip sample never lands in the standard audits' shares.

The digest's statements are built once per *shape* (dialect, whether the scope is a list of
teams, how many periods, the templates' question ids and audit types) and cached: periods, team
ids, dates and the audit type asked for are bound parameters. Building a dozen SQLAlchemy expressions on every digest cost more Python
time than running a team's queries (bench/digest).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Action,
    AuditAssignment,
    AuditGrade,
    AuditModeration,
    AuditRound,
    AuditStatus,
    AuditSubmission,
    FeedbackResponse,
    Person,
    PracticeExample,
    PracticeObservation,
    Team,
)
from views.actions import ActionStatus
from views.templates import AuditType


@dataclass(frozen=True)
class Bucket:
    """One period as the queries need it: UTC instants and local dates (for date columns)."""

    start_utc: datetime
    end_utc: datetime
    first_day: date
    end_day: date


TeamIds = Sequence[int] | None
"""The teams a digest covers; None means the whole service."""

AuditTypes = tuple[tuple[str, tuple[str, ...]], ...]
"""Each audit type other than standard with its template ids, e.g. ``(("themed", ("themed-voice-of-the-child",)),)``:
what the templates say, so part of a statement's shape. An audit of any other template is a standard one."""


@dataclass(frozen=True)
class AuditSelection:
    """Which audits a query counts: ``audit_type`` only, told apart by the templates' ``types``."""

    types: AuditTypes = ()
    audit_type: str = AuditType.STANDARD.value


STANDARD_AUDITS = AuditSelection()


async def teams_of_area(session: AsyncSession, service_area_id: int) -> list[int]:
    return list(await session.scalars(select(Team.id).where(Team.service_area_id == service_area_id)))


# -- statements and their parameters -----------------------------------------------------------


async def _core(session: AsyncSession, query: Any, parameters: dict[str, Any]) -> Any:
    """Run a Core query on the session's connection: aggregates need no ORM identity map."""
    return await (await session.connection()).execute(query, parameters)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _parameters(team_ids: TeamIds, buckets: Sequence[Bucket], **more: Any) -> dict[str, Any]:
    """The bound values of a statement built by the helpers below."""
    values: dict[str, Any] = dict(more)
    if team_ids is not None:
        values["teams"] = list(team_ids) or [-1]
    for index, b in enumerate(buckets):
        values |= {
            f"start_{index}": b.start_utc,
            f"end_{index}": b.end_utc,
            f"first_day_{index}": b.first_day,
            f"end_day_{index}": b.end_day,
        }
    return values


def _selected(team_ids: TeamIds, buckets: Sequence[Bucket], audits: AuditSelection) -> dict[str, Any]:
    """The bound values of a statement that counts the selected audit type only (``_of_type``)."""
    return _parameters(team_ids, buckets, audit_type=audits.audit_type)


def _start(index: int, *, dates: bool = False) -> BindParameter[Any]:
    return bindparam(f"first_day_{index}" if dates else f"start_{index}")


def _end(index: int, *, dates: bool = False) -> BindParameter[Any]:
    return bindparam(f"end_day_{index}" if dates else f"end_{index}")


def _in_scope(column: Any, scoped: bool) -> ColumnElement[bool]:
    """``scoped``: the statement takes the team ids as the expanding parameter ``teams``."""
    return column.in_(bindparam("teams", expanding=True)) if scoped else true()


def _within(column: Any, first: int, last: int | None = None, *, dates: bool = False) -> ColumnElement[bool]:
    """In the periods ``first`` to ``last`` (default: just ``first``), as bound parameters."""
    return and_(column >= _start(first, dates=dates), column < _end(first if last is None else last, dates=dates))


def _bucket_of(column: Any, count: int, *, dates: bool = False) -> Any:
    whens = [(_within(column, index, dates=dates), index) for index in range(count)]
    return case(*whens, else_=literal(-1)).label("bucket")


def _json_pairs(dialect: str, column: Any) -> Any:
    """Each (key, text value) of a JSON column as a table-valued function of this dialect."""
    if dialect == "postgresql":
        return func.json_each_text(column).table_valued("key", "value")
    return func.json_each(column).table_valued("key", "value")


def _audit_type(template_id: Any, types: AuditTypes) -> Any:
    """The audit type of a row from its template id (the type names are enum values, safe inline)."""
    whens = [(template_id.in_(list(ids)), literal_column(f"'{kind}'")) for kind, ids in types if ids]
    standard = literal_column(f"'{AuditType.STANDARD.value}'")
    # Cast when it stands alone: PostgreSQL refuses to GROUP BY a bare string constant, which is
    # all this is for a library with standard audits only.
    return case(*whens, else_=standard) if whens else cast(standard, String)


def _of_type(template_id: Any, types: AuditTypes) -> ColumnElement[bool]:
    """Rows of the audit type bound as ``audit_type``."""
    return _audit_type(template_id, types) == bindparam("audit_type")


statement = lru_cache(maxsize=128)
"""Cache a statement builder: its arguments are the shape, everything else is bound."""


# -- audits ------------------------------------------------------------------------------------


def _audit_grade() -> Any:
    """The grade that counts: the moderated one when a moderator changed it."""
    return func.coalesce(AuditModeration.moderated_grade, AuditGrade.grade)


def _graded(scoped: bool) -> Select[Any]:
    return (
        select()
        .select_from(AuditGrade)
        .join(AuditSubmission, AuditSubmission.id == AuditGrade.submission_id)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .outerjoin(AuditModeration, AuditModeration.grade_id == AuditGrade.id)
        .where(_in_scope(AuditAssignment.team_id, scoped))
    )


def _submitted(scoped: bool, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(AuditSubmission)
        .join(AuditAssignment, AuditAssignment.id == AuditSubmission.assignment_id)
        .where(_in_scope(AuditAssignment.team_id, scoped))
    )


COMPLETED, PLANNED = 0, 1

TypedCounts = dict[tuple[str, int], int]
"""(audit type, bucket) -> number of audits."""


@statement
def _audit_counts(scoped: bool, count: int, types: AuditTypes) -> Any:
    submitted = _bucket_of(AuditSubmission.submitted_at, count)
    submitted_type = _audit_type(AuditSubmission.template_id, types)
    completed = (
        _submitted(
            scoped,
            literal_column(str(COMPLETED)).label("measure"),
            submitted_type.label("audit_type"),
            submitted,
            func.count().label("n"),
        )
        .where(
            _within(AuditSubmission.submitted_at, 0, count - 1),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
        )
        .group_by(submitted_type, submitted)
    )
    due = _bucket_of(AuditAssignment.due_date, count, dates=True)
    planned_type = _audit_type(AuditRound.template_id, types)
    planned = (
        select(literal_column(str(PLANNED)), planned_type, due, func.count())
        .select_from(AuditAssignment)
        .join(AuditRound, AuditRound.id == AuditAssignment.round_id)
        .where(
            _within(AuditAssignment.due_date, 0, count - 1, dates=True),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _in_scope(AuditAssignment.team_id, scoped),
        )
        .group_by(planned_type, due)
    )
    return union_all(completed, planned)


async def audit_counts(
    session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket], types: AuditTypes = ()
) -> tuple[TypedCounts, TypedCounts]:
    """(submitted audits, audits due by due date), each per (audit type, bucket); cancelled ones excluded."""
    query = _audit_counts(team_ids is not None, len(buckets), types)
    counts: tuple[TypedCounts, TypedCounts] = ({}, {})
    for measure, audit_type, index, number in await _core(session, query, _parameters(team_ids, buckets)):
        counts[measure][(audit_type, index)] = number
    return counts


@statement
def _family_voice_counts(scoped: bool, count: int, types: AuditTypes) -> Any:
    bucket = _bucket_of(AuditSubmission.submitted_at, count)
    heard = exists().where(FeedbackResponse.assignment_id == AuditSubmission.assignment_id)
    return (
        _submitted(scoped, bucket, func.count(), func.sum(case((heard, 1), else_=0)))
        .where(
            _within(AuditSubmission.submitted_at, 0, count - 1),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _of_type(AuditSubmission.template_id, types),
            AuditSubmission.template_id.in_(bindparam("family_templates", expanding=True)),
        )
        .group_by(bucket)
    )


async def family_voice_counts(
    session: AsyncSession,
    team_ids: TeamIds,
    buckets: Sequence[Bucket],
    template_ids: Sequence[str],
    audits: AuditSelection = STANDARD_AUDITS,
) -> dict[int, tuple[int, int]]:
    """Bucket -> (submitted audits of the selected type whose template asks for the family's view,
    those of them with the family's answers); ``template_ids`` are the templates that ask."""
    query = _family_voice_counts(team_ids is not None, len(buckets), audits.types)
    parameters = _selected(team_ids, buckets, audits) | {"family_templates": list(template_ids) or [""]}
    return {index: (asked, heard or 0) for index, asked, heard in await _core(session, query, parameters)}


@dataclass
class GradeRows:
    """The grades of one digest: overall per audit type and bucket; by stage and moderation outcome
    in the last bucket, for the digest's own audit type only."""

    overall: dict[str, dict[int, dict[str, int]]] = field(default_factory=dict)
    """Audit type -> bucket -> overall grade -> number of audits."""
    stages: dict[str, dict[str, int]] = field(default_factory=dict)
    """Stage (section id) -> grade -> count, in the last bucket."""
    moderation: dict[str, int] = field(default_factory=dict)
    """Outcome (agreed / raised / lowered) -> moderated overall grades, for audits of the last bucket."""


@statement
def _grade_rows(scoped: bool, count: int, types: AuditTypes) -> Any:
    bucket = _bucket_of(AuditSubmission.submitted_at, count)
    audit_type = _audit_type(AuditSubmission.template_id, types)
    grade = _audit_grade()
    return (
        _graded(scoped)
        .add_columns(
            audit_type.label("audit_type"),
            bucket,
            AuditGrade.is_overall,
            AuditGrade.section_id,
            grade,
            AuditModeration.outcome,
            func.count(),
        )
        .where(
            _within(AuditSubmission.submitted_at, 0, count - 1),
            # Stage grades only for the last period; overall grades for the trend too.
            or_(AuditGrade.is_overall.is_(True), _within(AuditSubmission.submitted_at, count - 1)),
        )
        .group_by(audit_type, bucket, AuditGrade.is_overall, AuditGrade.section_id, grade, AuditModeration.outcome)
    )


async def grade_rows(
    session: AsyncSession,
    team_ids: TeamIds,
    buckets: Sequence[Bucket],
    audits: AuditSelection = STANDARD_AUDITS,
) -> GradeRows:
    """Overall grades of every audit type, and the stage grades and moderation outcomes of the
    selected type, from one GROUP BY over the grades."""
    query = _grade_rows(team_ids is not None, len(buckets), audits.types)
    audit_type = audits.audit_type
    current = len(buckets) - 1
    rows = GradeRows()
    for kind, index, is_overall, section, value, outcome, number in await _core(
        session, query, _parameters(team_ids, buckets)
    ):
        if not is_overall:
            if kind == audit_type:
                stage = rows.stages.setdefault(section, {})
                stage[value] = stage.get(value, 0) + number
            continue
        grades = rows.overall.setdefault(kind, {}).setdefault(index, {})
        grades[value] = grades.get(value, 0) + number
        if outcome is not None and index == current and kind == audit_type:
            rows.moderation[outcome] = rows.moderation.get(outcome, 0) + number
    return rows


@statement
def _audit_answer_counts(dialect: str, scoped: bool, question_ids: tuple[str, ...], types: AuditTypes) -> Any:
    pairs = _json_pairs(dialect, AuditSubmission.answers)
    return (
        _submitted(scoped, pairs.c.key, pairs.c.value, func.count())
        .join(pairs, true())
        .where(
            _within(AuditSubmission.submitted_at, 0),
            _of_type(AuditSubmission.template_id, types),
            pairs.c.key.in_(list(question_ids)),
        )
        .group_by(pairs.c.key, pairs.c.value)
    )


async def audit_answer_counts(
    session: AsyncSession,
    team_ids: TeamIds,
    bucket: Bucket,
    question_ids: Sequence[str],
    audits: AuditSelection = STANDARD_AUDITS,
) -> dict[str, dict[str, int]]:
    """Question id -> answer -> count for the named questions (e.g. the cross-cutting themes), in
    the selected audits only."""
    query = _audit_answer_counts(_dialect(session), team_ids is not None, tuple(question_ids), audits.types)
    result: dict[str, dict[str, int]] = {}
    for key, value, count in await _core(session, query, _selected(team_ids, [bucket], audits)):
        result.setdefault(key, {})[value] = count
    return result


@statement
def _audit_texts(scoped: bool, question_id: str, limit: int, types: AuditTypes) -> Any:
    text_value = AuditSubmission.answers[question_id].as_string()
    return (
        _submitted(scoped, text_value)
        .where(
            _within(AuditSubmission.submitted_at, 0),
            _of_type(AuditSubmission.template_id, types),
            text_value.is_not(None),
        )
        .order_by(AuditSubmission.submitted_at.desc())
        .limit(limit)
    )


async def audit_texts(
    session: AsyncSession,
    team_ids: TeamIds,
    bucket: Bucket,
    question_id: str,
    *,
    limit: int,
    audits: AuditSelection = STANDARD_AUDITS,
) -> list[str]:
    """The newest answers to one free-text question, in the selected audits."""
    query = _audit_texts(team_ids is not None, question_id, limit, audits.types)
    return [row[0] for row in await _core(session, query, _selected(team_ids, [bucket], audits))]


# -- feedback ----------------------------------------------------------------------------------


def _feedback(scoped: bool, first: int, last: int, *columns: Any) -> Select[Any]:
    worker = aliased(Person)
    team = func.coalesce(FeedbackResponse.group_team_id, worker.team_id)
    return (
        select(*columns)
        .select_from(FeedbackResponse)
        .outerjoin(worker, worker.id == FeedbackResponse.worker_id)
        .where(_within(FeedbackResponse.submitted_at, first, last), _in_scope(team, scoped))
    )


def scale_score(scale_questions: dict[str, str]) -> Any:
    """The 0-10 answer of each template's scale question (template id -> question id)."""
    whens = [
        (FeedbackResponse.template_key == template, FeedbackResponse.answers[question].as_float())
        for template, question in scale_questions.items()
    ]
    # Typed even when no template has a scale question: PostgreSQL cannot average an untyped NULL.
    return case(*whens, else_=None) if whens else cast(null(), Float)


@dataclass
class FeedbackRows:
    volumes: dict[int, tuple[int, float | None, int]] = field(default_factory=dict)
    """Bucket -> (responses, average 0-10 score, how many answered a scale question)."""
    agreement: dict[int, dict[str, int]] = field(default_factory=dict)
    """Bucket -> agreement answer (strongly_agree ... dont_know) -> count, over every agree5 answer."""


@statement
def _feedback_rows(
    dialect: str, scoped: bool, count: int, scale_questions: tuple[tuple[str, str], ...], agree: tuple[str, ...]
) -> Any:
    # The scoped responses are read once (a CTE) and counted twice: per response and per answer.
    responses = _feedback(
        scoped,
        0,
        count - 1,
        _bucket_of(FeedbackResponse.submitted_at, count),
        FeedbackResponse.answers.label("answers"),
        scale_score(dict(scale_questions)).label("score"),
    ).cte("scoped_feedback")
    volumes = select(
        responses.c.bucket,
        null().label("value"),
        func.count().label("n"),
        func.avg(responses.c.score).label("score"),
        func.count(responses.c.score).label("scored"),
    ).group_by(responses.c.bucket)
    pairs = _json_pairs(dialect, responses.c.answers)
    agreement = (
        select(responses.c.bucket, pairs.c.value, func.count(), null(), null())
        .select_from(responses)
        .join(pairs, true())
        .where(pairs.c.value.in_(list(agree)))
        .group_by(responses.c.bucket, pairs.c.value)
    )
    return union_all(volumes, agreement)


async def feedback_rows(
    session: AsyncSession,
    team_ids: TeamIds,
    buckets: Sequence[Bucket],
    scale_questions: dict[str, str],
    agree_values: Sequence[str],
) -> FeedbackRows:
    """Feedback volumes, average scores and agreement per bucket, from one read of the responses."""
    query = _feedback_rows(
        _dialect(session), team_ids is not None, len(buckets), tuple(scale_questions.items()), tuple(agree_values)
    )
    rows = FeedbackRows()
    for index, value, number, score, scored in await _core(session, query, _parameters(team_ids, buckets)):
        if value is None:
            rows.volumes[index] = (number, None if score is None else float(score), scored)
        else:
            rows.agreement.setdefault(index, {})[value] = number
    return rows


@statement
def _feedback_texts(dialect: str, scoped: bool, text_questions: tuple[str, ...], limit: int) -> Any:
    pairs = _json_pairs(dialect, FeedbackResponse.answers)
    return (
        _feedback(scoped, 0, 0, pairs.c.value)
        .join(pairs, true())
        .where(pairs.c.key.in_(list(text_questions)), func.length(pairs.c.value) > 0)
        .order_by(FeedbackResponse.submitted_at.desc())
        .limit(limit)
    )


async def feedback_texts(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, text_questions: Sequence[str], *, limit: int
) -> list[str]:
    """The newest free-text feedback answers (the templates' free-text question ids)."""
    query = _feedback_texts(_dialect(session), team_ids is not None, tuple(text_questions), limit)
    return [row[0] for row in await _core(session, query, _parameters(team_ids, [bucket]))]


# -- actions -----------------------------------------------------------------------------------


def _owned(scoped: bool, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Action)
        .join(Person, Person.id == Action.owner_id)
        .where(_in_scope(Person.team_id, scoped))
    )


def _open_and_overdue_at(index: int) -> ColumnElement[bool]:
    """Open at the period's end and already past its due date then."""
    end = _end(index)
    return and_(
        Action.created_at < end,
        Action.due_date < _end(index, dates=True),
        or_(Action.completed_at.is_(None), Action.completed_at >= end),
        or_(Action.cancelled_at.is_(None), Action.cancelled_at >= end),
    )


def _impact_evidenced() -> ColumnElement[bool]:
    return and_(Action.impact_answer.is_not(None), Action.impact_more_asked.is_(False))


ACTION_MEASURES = ("new", "done", "overdue", "impact")


@statement
def _action_counts(scoped: bool, count: int) -> Any:
    columns = []
    for index in range(count):
        columns += [
            func.sum(case((_within(Action.created_at, index), 1), else_=0)),
            func.sum(case((_within(Action.completed_at, index), 1), else_=0)),
            func.sum(case((_open_and_overdue_at(index), 1), else_=0)),
            func.sum(case((and_(_within(Action.impact_reviewed_at, index), _impact_evidenced()), 1), else_=0)),
        ]
    return _owned(scoped, *columns)


async def action_counts(session: AsyncSession, team_ids: TeamIds, buckets: Sequence[Bucket]) -> list[dict[str, int]]:
    """Per bucket: actions new, done, overdue at the period's end, and impact evidenced."""
    query = _action_counts(team_ids is not None, len(buckets))
    row = (await _core(session, query, _parameters(team_ids, buckets))).one()
    width = len(ACTION_MEASURES)
    return [
        {name: int(row[index * width + offset] or 0) for offset, name in enumerate(ACTION_MEASURES)}
        for index in range(len(buckets))
    ]


@statement
def _overdue_actions(scoped: bool, limit: int) -> Any:
    total = func.count().over().label("total")  # every overdue action, counted in the same query
    return (
        _owned(scoped, Action.description, Person.display_name, Action.due_date, Action.case_reference, total)
        .where(Action.status == ActionStatus.OPEN.value, Action.due_date < bindparam("today"))
        .order_by(Action.due_date, Action.id)
        .limit(limit)
    )


async def overdue_actions(
    session: AsyncSession, team_ids: TeamIds, today: date, *, limit: int
) -> tuple[int, list[tuple[str, str, date, str | None]]]:
    """(how many, the oldest few as (description, owner name, due date, case reference))."""
    query = _overdue_actions(team_ids is not None, limit)
    rows = list(await _core(session, query, _parameters(team_ids, [], today=today)))
    return (int(rows[0][4]) if rows else 0), [(r[0], r[1], r[2], r[3]) for r in rows]


@statement
def _impact_texts(scoped: bool, limit: int) -> Any:
    return (
        _owned(scoped, Action.impact_answer)
        .where(_within(Action.impact_reviewed_at, 0), _impact_evidenced())
        .order_by(Action.impact_reviewed_at.desc())
        .limit(limit)
    )


async def impact_texts(session: AsyncSession, team_ids: TeamIds, bucket: Bucket, *, limit: int) -> list[str]:
    query = _impact_texts(team_ids is not None, limit)
    return [r[0] for r in await _core(session, query, _parameters(team_ids, [bucket]))]


# -- what other features record -----------------------------------------------------------------


@statement
def _practice_example_texts(scoped: bool, limit: int) -> Any:
    return (
        select(PracticeExample.description)
        .where(_within(PracticeExample.created_at, 0), _in_scope(PracticeExample.team_id, scoped))
        .order_by(PracticeExample.created_at.desc(), PracticeExample.id.desc())
        .limit(limit)
    )


async def practice_example_texts(session: AsyncSession, team_ids: TeamIds, bucket: Bucket, *, limit: int) -> list[str]:
    """The descriptions of practice nominated to celebrate in ``bucket`` by the scope's teams, newest first."""
    query = _practice_example_texts(team_ids is not None, limit)
    return [r[0] for r in await _core(session, query, _parameters(team_ids, [bucket]))]


@statement
def _observations_in(scoped: bool) -> Any:
    return select(PracticeObservation).where(
        _within(PracticeObservation.observed_on, 0, dates=True), _in_scope(PracticeObservation.team_id, scoped)
    )


async def observations_in(session: AsyncSession, team_ids: TeamIds, bucket: Bucket) -> list[PracticeObservation]:
    """The practice observations held in ``bucket`` by the scope's teams (for counting their themes)."""
    query = _observations_in(team_ids is not None)
    return list(await session.scalars(query, _parameters(team_ids, [bucket])))


# -- quarterly report breakdowns ---------------------------------------------------------------


async def audits_by_team(
    session: AsyncSession,
    team_ids: TeamIds,
    bucket: Bucket,
    audits: AuditSelection = STANDARD_AUDITS,
    *,
    good_grades: Collection[str],
    inadequate_grades: Collection[str],
) -> list[tuple[str, int, int, int, int]]:
    """(team, planned, completed, good or better, inadequate) per team, by team name, counting
    the selected audits only; which grades count as good or better and as inadequate comes from
    the templates' grade scales."""
    scoped, types = team_ids is not None, audits.types
    planned = (
        select(AuditAssignment.team_id.label("team_id"), func.count().label("n"))
        .join(AuditRound, AuditRound.id == AuditAssignment.round_id)
        .where(
            _within(AuditAssignment.due_date, 0, dates=True),
            AuditAssignment.status != AuditStatus.CANCELLED.value,
            _in_scope(AuditAssignment.team_id, scoped),
            _of_type(AuditRound.template_id, types),
        )
        .group_by(AuditAssignment.team_id)
        .subquery()
    )
    grade = _audit_grade()
    graded = (
        _graded(scoped)
        .add_columns(
            AuditAssignment.team_id.label("team_id"),
            func.count().label("completed"),
            func.sum(case((grade.in_(bindparam("good_grades", expanding=True)), 1), else_=0)).label("good"),
            func.sum(case((grade.in_(bindparam("inadequate_grades", expanding=True)), 1), else_=0)).label("inadequate"),
        )
        .where(
            AuditGrade.is_overall.is_(True),
            _within(AuditSubmission.submitted_at, 0),
            _of_type(AuditSubmission.template_id, types),
        )
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
        .where(_in_scope(Team.id, scoped), or_(planned.c.n.is_not(None), graded.c.completed.is_not(None)))
        .order_by(Team.name)
    )
    bands = {"good_grades": sorted(good_grades), "inadequate_grades": sorted(inadequate_grades)}
    rows = await _core(session, query, _selected(team_ids, [bucket], audits) | bands)
    return [(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]


async def feedback_by_template(
    session: AsyncSession, team_ids: TeamIds, bucket: Bucket, scale_questions: dict[str, str]
) -> list[tuple[str, int, float | None, int]]:
    """(template, responses, average 0-10 score, scored responses) per feedback template."""
    score = scale_score(scale_questions)
    query = (
        _feedback(
            team_ids is not None, 0, 0, FeedbackResponse.template_key, func.count(), func.avg(score), func.count(score)
        )
        .group_by(FeedbackResponse.template_key)
        .order_by(FeedbackResponse.template_key)
    )
    rows = await _core(session, query, _parameters(team_ids, [bucket]))
    return [(r[0], int(r[1]), None if r[2] is None else float(r[2]), int(r[3])) for r in rows]


async def scale_summary(
    session: AsyncSession,
    team_ids: TeamIds,
    bucket: Bucket,
    question_id: str,
    audits: AuditSelection = STANDARD_AUDITS,
) -> tuple[int, float | None]:
    """(selected audits with a Signs of Safety scaling judgement, its average) in the period."""
    value = AuditSubmission.answers[question_id].as_float()
    query = _submitted(team_ids is not None, func.count(value), func.avg(value)).where(
        _within(AuditSubmission.submitted_at, 0), _of_type(AuditSubmission.template_id, audits.types)
    )
    row = (await _core(session, query, _selected(team_ids, [bucket], audits))).one()
    return int(row[0]), None if row[1] is None else float(row[1])


async def actions_due_by_source(
    session: AsyncSession, team_ids: TeamIds, first_day: date, end_day: date
) -> list[tuple[str, int]]:
    """Open actions due in [first_day, end_day), per source (audit, survey, QIM...): the plans."""
    query = (
        _owned(team_ids is not None, Action.source, func.count())
        .where(Action.status == ActionStatus.OPEN.value, Action.due_date >= first_day, Action.due_date < end_day)
        .group_by(Action.source)
        .order_by(Action.source)
    )
    return [(r[0], int(r[1])) for r in await _core(session, query, _parameters(team_ids, []))]
