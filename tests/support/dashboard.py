"""A demo organisation with measures, figures, audits, feedback and actions for the dashboard tests.

Riverside Locality Team (Locality social work, managed by Megan Bowen) and Front Door (First
Contact) have work; the numbers below are what the dashboard must show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from qop.settings import PROJECT_ROOT
from services.container import Services
from services.dashboard import DashboardService
from services.measures import MeasuresService
from services.templates import TemplateLibrary
from storage.db import transaction
from storage.models import (
    Action,
    AuditAssignment,
    AuditRound,
    FeedbackResponse,
    IndicatorValue,
    Person,
    ServiceArea,
    Team,
)
from tests.support.organisation import DEMO_FILE

DEMO_MEASURES = PROJECT_ROOT / "deploy" / "demo" / "measures.yaml"
LIBRARY = TemplateLibrary.from_folder()
WHEN = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

PRACTITIONER = "alexw@example.com"
TEAM_MANAGER = "meganb@example.com"
OTHER_TEAM_MANAGER = "adelev@example.com"
QA_LEAD = "isaiahl@example.com"
SENIOR_MANAGER = "helen.carrow@northshire.example"
"""Senior manager of Locality social work and Early Help."""
ADMINISTRATOR = "lynner@example.com"

RIVERSIDE_FIGURE = 86.0
"""Riverside's "Assessments completed within the agreed timescale" for January 2026 (target 90; 92 and 89 before)."""
MOORSIDE_FIGURE = 93.0


@dataclass(frozen=True)
class Seeded:
    people: dict[str, int]
    teams: dict[str, int]
    areas: dict[str, int]


def dashboard_service(services: Services) -> DashboardService:
    return DashboardService(
        sessions=services.sessions,
        clock=services.clock,
        measures=dashboard_measures(services),
        library=LIBRARY,
        time_zone=services.time_zone,
    )


async def seed(services: Services, *, measures: bool = True) -> Seeded:
    await services.organisation.import_file(DEMO_FILE)
    if measures:
        await dashboard_measures(services).load_file(DEMO_MEASURES)
    async with transaction(services.sessions) as session:
        people = {p.email: p.id for p in await session.scalars(select(Person)) if p.email}
        teams = {t.name: t.id for t in await session.scalars(select(Team))}
        areas = {a.name: a.id for a in await session.scalars(select(ServiceArea))}
        riverside, front_door = teams["Riverside Locality Team"], teams["Front Door"]
        for month, value in ((date(2025, 11, 1), 92.0), (date(2025, 12, 1), 89.0), (date(2026, 1, 1), 86.0)):
            session.add(
                IndicatorValue(
                    indicator_key="assessments_in_timescale",
                    team_id=riverside,
                    month=month,
                    value=value,
                    source="extract",
                )
            )
        session.add(
            IndicatorValue(
                indicator_key="assessments_in_timescale",
                team_id=teams["Moorside Locality Team"],
                month=date(2026, 1, 1),
                value=MOORSIDE_FIGURE,
                source="extract",
            )
        )
        standard = AuditRound(
            template_id="standard-collaborative-audit",
            template_version=2,
            title="Standard",
            due_date=date(2026, 1, 30),
            source="csv",
        )
        dip = AuditRound(
            template_id="dip-sample-compliance",
            template_version=2,
            title="Dip",
            due_date=date(2026, 1, 30),
            source="csv",
        )
        session.add_all([standard, dip])
        await session.flush()
        alex, sam = people[PRACTITIONER], people["sam.okafor@northshire.example"]
        owen, auditor = people["owen.strickland@northshire.example"], people[TEAM_MANAGER]
        audits = [
            (standard, "LCS100001", riverside, alex, "completed"),
            (standard, "LCS100002", riverside, alex, "completed"),
            (standard, "LCS100003", riverside, sam, "in_progress"),
            (dip, "LCS100004", riverside, sam, "assigned"),
            (dip, "LCS100005", front_door, owen, "assigned"),
        ]
        for round_, case, team, practitioner, status in audits:
            session.add(
                AuditAssignment(
                    round_id=round_.id,
                    case_ref=case,
                    team_id=team,
                    practitioner_id=practitioner,
                    auditor_id=auditor,
                    status=status,
                    due_date=date(2026, 1, 30),
                    created_at=WHEN,
                )
            )
        for worker, count in ((alex, 2), (sam, 1), (owen, 4)):
            for _ in range(count):
                session.add(
                    FeedbackResponse(
                        id=uuid.uuid4().hex,
                        template_key="family-parent-carer",
                        template_version=1,
                        worker_id=worker,
                        channel="link",
                        answers={},
                        submitted_at=WHEN,
                    )
                )
        actions = [
            (alex, "open", date(2026, 1, 2)),  # overdue on 12 January
            (alex, "open", date(2026, 2, 2)),
            (sam, "done", date(2026, 1, 2)),
            (owen, "open", date(2026, 1, 2)),
        ]
        for owner, status, due in actions:
            session.add(
                Action(
                    source="manual",
                    description="Update the plan",
                    owner_id=owner,
                    due_date=due,
                    status=status,
                    completed_at=WHEN if status == "done" else None,
                )
            )
    return Seeded(people, teams, areas)


def dashboard_measures(services: Services) -> MeasuresService:
    return MeasuresService(
        sessions=services.sessions, clock=services.clock, library=LIBRARY, time_zone=services.time_zone
    )
