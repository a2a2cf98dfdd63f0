"""The demo's audits and feedback (``load_demo_digest_data``) come from a seeded random draw, so
the playground, the e2e tests and a newcomer see the same figures whatever the database: the rows
it draws from are read in a fixed order, not in whatever order the backend returns them."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from services.container import Services
from services.digest.demo import load_demo_digest_data
from storage.models import AuditAssignment, AuditSubmission

FIRST_GRADES = {
    "LCS0301000": "requires_improvement",
    "LCS0301001": "good",
    "LCS0301002": "good",
    "LCS0301003": "outstanding",
    "LCS0301004": "good",
    "LCS0301005": "good",
    "LCS0301006": "good",
    "LCS0301007": "good",
}
"""Overall grades of the first demo audits by case reference: the same on SQLite and PostgreSQL."""
ALL_GRADES = {"good": 75, "requires_improvement": 35, "outstanding": 27, "inadequate": 10}


async def test_the_demo_audits_are_the_same_on_every_backend(services: Services) -> None:
    assert (await services.demo.load()).rejections == []
    assert await load_demo_digest_data(services.sessions, services.clock, time_zone=services.time_zone) > 0
    async with services.sessions() as session:
        rows = list(
            await session.execute(
                select(AuditAssignment.case_ref, AuditSubmission.overall_grade)
                .join(AuditSubmission, AuditSubmission.assignment_id == AuditAssignment.id)
                .order_by(AuditAssignment.case_ref)
            )
        )
    assert dict(rows[: len(FIRST_GRADES)]) == FIRST_GRADES
    assert Counter(grade for _, grade in rows) == ALL_GRADES
