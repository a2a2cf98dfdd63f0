"""The demo's audits and feedback (``load_demo_digest_data``) come from a seeded random draw, so
the playground, the e2e tests and a newcomer see the same figures whatever the database: the rows
it draws from are read in a fixed order, not in whatever order the backend returns them."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from services.container import Services
from services.digest.demo import load_demo_digest_data
from storage.models import AuditAssignment, AuditSubmission

FIRST_GRADES = [
    "outstanding",
    "outstanding",
    "good",
    "requires_improvement",
    "outstanding",
    "good",
    "outstanding",
    "requires_improvement",
]
"""Overall grades of the first demo audits in the order they were drawn: the same on SQLite and
PostgreSQL (not keyed by case reference, which carries the team's row id)."""
ALL_GRADES = {"good": 75, "requires_improvement": 35, "outstanding": 27, "inadequate": 10}


async def test_the_demo_audits_are_the_same_on_every_backend(services: Services) -> None:
    assert (await services.demo.load()).rejections == []
    assert await load_demo_digest_data(services.sessions, services.clock, time_zone=services.time_zone) > 0
    async with services.sessions() as session:
        rows = list(
            await session.execute(
                select(AuditSubmission.overall_grade)
                .join(AuditAssignment, AuditSubmission.assignment_id == AuditAssignment.id)
                .order_by(AuditAssignment.id)
            )
        )
    grades = [grade for (grade,) in rows]
    assert grades[: len(FIRST_GRADES)] == FIRST_GRADES
    assert Counter(grades) == ALL_GRADES
