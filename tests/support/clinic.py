"""The organisation clinic packs are tested with: the dashboard's demo organisation with Teams
ids, and one Riverside audit answering the audit themes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.container import Services
from storage.models import AuditAssignment, AuditSubmission, Person
from tests.support.dashboard import TEAM_MANAGER, Seeded, seed

RIVERSIDE = "Riverside Locality Team"


def teams_id(email: str) -> str:
    return f"29:{email}"


async def seeded(services: Services) -> Seeded:
    """The dashboard's demo organisation with Teams ids, and one Riverside audit answering the themes."""
    org = await seed(services)
    async with services.sessions() as session, session.begin():
        for person in await session.scalars(select(Person).where(Person.email.is_not(None))):
            person.teams_user_id = teams_id(person.email or "")
        completed = await session.scalar(
            select(AuditAssignment).where(
                AuditAssignment.team_id == org.teams[RIVERSIDE], AuditAssignment.status == "completed"
            )
        )
        assert completed is not None
        session.add(
            AuditSubmission(
                assignment_id=completed.id,
                idempotency_key=uuid.uuid4().hex,
                template_id="standard-collaborative-audit",
                template_version=2,
                answers={"risk_sensible": "yes", "child_voice_clear": "no", "family_collaboration": "not_applicable"},
                submitted_by_id=org.people[TEAM_MANAGER],
                submitted_at=datetime(2026, 1, 6, 11, 0, tzinfo=UTC),
            )
        )
    return org
