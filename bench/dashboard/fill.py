"""Five years of a large authority for the dashboard bench, written with bulk inserts.

200 teams in the demo's six service areas (so the demo measures file applies), 15 people each,
the demo measures in force, a monthly figure for every quantitative indicator of every team for
60 months, and (at ``scale`` 1) about a million stored answers: collaborative audits (50 answers
each), dip samples (13) and family feedback (7), spread over the five years, with actions.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from qop.settings import PROJECT_ROOT
from services.measures.declarations import IndicatorKind, MeasuresFile, load_measures
from services.measures.triangulation import add_months
from services.templates import TemplateLibrary
from storage.models import (
    Action,
    AuditAssignment,
    AuditRound,
    AuditSubmission,
    FeedbackResponse,
    IndicatorValue,
    MeasureDeclaration,
    Person,
    RoleAssignment,
    ServiceArea,
    Team,
)
from views.templates import QuestionType, Template

DEMO_MEASURES = PROJECT_ROOT / "deploy" / "demo" / "measures.yaml"
TEAMS = 200
PEOPLE_PER_TEAM = 15
YEARS = 5
AUDITS = 15_000
DIP_SAMPLES = 10_000
FEEDBACK = 23_000
ACTIONS = 20_000
CHUNK = 2_000
FEEDBACK_TEMPLATE = "family-parent-carer"
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]


@dataclass(frozen=True)
class Filled:
    viewer_id: int
    """A QA lead: the dashboard's whole-service view is theirs."""
    answers: int
    rows: int


def _rows(table: Any) -> Table:
    return table.__table__  # type: ignore[no-any-return]


async def _insert(connection: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert in chunks (SQLAlchemy's insertmanyvalues on both engines); returns the rows written."""
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            await connection.execute(insert(_rows(table)), batch)
            written, batch = written + len(batch), []
    if batch:
        await connection.execute(insert(_rows(table)), batch)
        written += len(batch)
    return written


def _answer(rng: random.Random, question: Any) -> Any:
    if question.type == QuestionType.SCALE:
        return rng.randint(question.min or 0, question.max or 10)
    if question.type == QuestionType.FREE_TEXT:
        return rng.choice(["Plan reviewed with the family.", "Clear analysis of risk.", ""])
    allowed = list(question.allowed_values or {})
    return rng.choice(allowed) if allowed else "yes"


def _answers(rng: random.Random, template: Template) -> dict[str, Any]:
    return {question.id: _answer(rng, question) for question in template.questions()}


class Filler:
    """Writes the data set; every choice comes from one seeded random source, so runs compare."""

    def __init__(self, engine: AsyncEngine, *, scale: float, now: datetime, seed: int = 14) -> None:
        self._engine = engine
        self._scale = scale
        self._now = now
        self._start = now - timedelta(days=365 * YEARS)
        self._rng = random.Random(seed)
        self._library = TemplateLibrary.from_folder()
        self._measures = load_measures(DEMO_MEASURES, self._library)
        self._answers_written = 0

    def _count(self, full: int) -> int:
        return max(1, round(full * self._scale))

    def _moment(self) -> datetime:
        return self._start + timedelta(seconds=self._rng.randrange(int((self._now - self._start).total_seconds())))

    async def fill(self) -> Filled:
        async with self._engine.begin() as connection:
            areas = await self._organisation(connection)
            teams = [(t, a) for t, a in (await connection.execute(select(Team.id, Team.service_area_id))).all()]
            people = [(p, t) for p, t in (await connection.execute(select(Person.id, Person.team_id))).all()]
            viewer = await self._viewer(connection)
            rows = await self._declaration(connection)
            rows += await _insert(connection, IndicatorValue, self._values(self._measures.measures, teams, areas))
            rows += await self._audits(connection, people)
            rows += await _insert(connection, FeedbackResponse, self._feedback(people))
            rows += await _insert(connection, Action, self._actions(people))
        return Filled(viewer, self._answers_written, rows)

    async def _organisation(self, connection: AsyncConnection) -> dict[int, str]:
        names = list(self._measures.measures.service_areas)
        await _insert(connection, ServiceArea, ({"name": name} for name in names))
        areas = {i: n for i, n in (await connection.execute(select(ServiceArea.id, ServiceArea.name))).all()}
        area_ids = sorted(areas)
        await _insert(
            connection,
            Team,
            ({"name": f"Team {n:03d}", "service_area_id": area_ids[n % len(area_ids)]} for n in range(TEAMS)),
        )
        team_ids = list(await connection.scalars(select(Team.id).order_by(Team.id)))
        await _insert(
            connection,
            Person,
            (
                {
                    "email": f"person{n}@example.gov.uk",
                    "display_name": f"Person {n}",
                    "team_id": team_ids[n % len(team_ids)],
                    "in_organisation": True,
                    "active": True,
                }
                for n in range(TEAMS * PEOPLE_PER_TEAM)
            ),
        )
        return areas

    async def _viewer(self, connection: AsyncConnection) -> int:
        viewer = int(await connection.scalar(select(Person.id).order_by(Person.id).limit(1)) or 0)
        await _insert(connection, RoleAssignment, [{"person_id": viewer, "role": "qa_lead"}])
        return viewer

    async def _declaration(self, connection: AsyncConnection) -> int:
        document = self._measures.measures.model_dump(mode="json")
        checksum = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        row = {"file_name": DEMO_MEASURES.name, "sha256": checksum, "document": document, "loaded_at": self._now}
        return await _insert(connection, MeasureDeclaration, [row])

    def _values(
        self, measures: MeasuresFile, teams: Sequence[tuple[int, int]], areas: dict[int, str]
    ) -> Iterator[dict[str, Any]]:
        """Every quantitative indicator of every team, every month of the five years."""
        first = add_months(self._now.date().replace(day=1), 1 - 12 * YEARS)
        for team_id, area_id in teams:
            for indicator in measures.indicators_of(areas[area_id]):
                if indicator.kind != IndicatorKind.QUANTITATIVE:
                    continue
                base = (indicator.target or 50) * self._rng.uniform(0.85, 1.05)
                for offset in range(12 * YEARS):
                    denominator = self._rng.randint(20, 60)
                    value = max(0.0, min(100.0, base + self._rng.uniform(-6, 6)))
                    yield {
                        "indicator_key": indicator.id,
                        "team_id": team_id,
                        "month": add_months(first, offset),
                        "value": round(value, 1),
                        "numerator": round(value * denominator / 100) if indicator.unit.value == "percent" else None,
                        "denominator": denominator if indicator.unit.value == "percent" else None,
                        "source": "extract",
                    }

    async def _audits(self, connection: AsyncConnection, people: Sequence[tuple[int, int]]) -> int:
        written = 0
        for template_id, count in (
            ("standard-collaborative-audit", self._count(AUDITS)),
            ("dip-sample-compliance", self._count(DIP_SAMPLES)),
        ):
            template = self._library.get(template_id)
            round_id = (
                await connection.execute(
                    insert(_rows(AuditRound))
                    .values(
                        template_id=template_id,
                        template_version=template.version,
                        title=template.title,
                        due_date=self._now.date(),
                        source="sampling",
                    )
                    .returning(_rows(AuditRound).c.id)
                )
            ).scalar_one()
            assignments = [self._assignment(round_id, n, people) for n in range(count)]
            written += await _insert(connection, AuditAssignment, assignments)
            done = (
                await connection.execute(
                    select(AuditAssignment.id, AuditAssignment.created_at, AuditAssignment.auditor_id).where(
                        AuditAssignment.round_id == round_id, AuditAssignment.status == "completed"
                    )
                )
            ).all()
            written += await _insert(connection, AuditSubmission, self._submissions(template, done))
        return written

    def _assignment(self, round_id: int, number: int, people: Sequence[tuple[int, int]]) -> dict[str, Any]:
        practitioner, team = people[self._rng.randrange(len(people))]
        when = self._moment()
        status = "completed" if self._rng.random() < 0.9 else self._rng.choice(["assigned", "in_progress"])
        return {
            "round_id": round_id,
            "case_ref": f"LCS{round_id:02d}{number:06d}",
            "team_id": team,
            "practitioner_id": practitioner,
            "auditor_id": people[self._rng.randrange(len(people))][0],
            "status": status,
            "due_date": (when + timedelta(days=14)).date(),
            "created_at": when,
            "updated_at": when,
        }

    def _submissions(self, template: Template, done: Sequence[Any]) -> Iterator[dict[str, Any]]:
        for assignment_id, created_at, auditor_id in done:
            answers = _answers(self._rng, template)
            self._answers_written += len(answers)
            yield {
                "assignment_id": assignment_id,
                "idempotency_key": uuid.UUID(int=self._rng.getrandbits(128)).hex,
                "template_id": template.id,
                "template_version": template.version,
                "answers": answers,
                "submitted_by_id": auditor_id,
                "submitted_at": min(created_at + timedelta(days=3), self._now),
            }

    def _feedback(self, people: Sequence[tuple[int, int]]) -> Iterator[dict[str, Any]]:
        template = self._library.get(FEEDBACK_TEMPLATE)
        for _ in range(self._count(FEEDBACK)):
            answers = _answers(self._rng, template)
            self._answers_written += len(answers)
            yield {
                "id": uuid.UUID(int=self._rng.getrandbits(128)).hex,
                "template_key": FEEDBACK_TEMPLATE,
                "template_version": template.version,
                "worker_id": people[self._rng.randrange(len(people))][0],
                "channel": self._rng.choice(["link", "teams"]),
                "answers": answers,
                "submitted_at": self._moment(),
            }

    def _actions(self, people: Sequence[tuple[int, int]]) -> Iterator[dict[str, Any]]:
        for _ in range(self._count(ACTIONS)):
            created = self._moment()
            status = self._rng.choices(["open", "done", "cancelled"], [3, 6, 1])[0]
            closed = min(created + timedelta(days=self._rng.randint(5, 90)), self._now)
            yield {
                "source": "audit",
                "description": "Update the plan with the family",
                "owner_id": people[self._rng.randrange(len(people))][0],
                "due_date": (created + timedelta(days=self._rng.randint(7, 60))).date(),
                "status": status,
                "completed_at": closed if status == "done" else None,
                "cancelled_at": closed if status == "cancelled" else None,
                "created_at": created,
                "updated_at": created,
            }
