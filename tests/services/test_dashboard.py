"""The dashboard read model on SQLite and PostgreSQL: what each role sees, drill-down, and refusals
(each written to the access log)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.container import Services
from services.dashboard.scope import WHOLE_SERVICE_ROLES
from services.errors import NotAllowed, NotFound
from storage.models import AccessLogEntry, Role
from tests.support import dashboard as seeded
from tests.support.dashboard import (
    ADMINISTRATOR,
    PRACTITIONER,
    QA_LEAD,
    RIVERSIDE_FIGURE,
    SENIOR_MANAGER,
    TEAM_MANAGER,
    dashboard_service,
    seed,
)
from views.dashboard import Dashboard, Level

STANDARD = seeded.LIBRARY.get("standard-collaborative-audit").title
DIP = seeded.LIBRARY.get("dip-sample-compliance").title


def audits(board: Dashboard) -> dict[tuple[str, str], int]:
    return {(a.audit_type, a.stage): a.count for a in board.audits}


def feedback_total(board: Dashboard) -> int:
    return sum(f.count for f in board.feedback)


def figure(board: Dashboard, key: str) -> float | None:
    assert board.measures is not None
    return next(i.value for m in board.measures.measures for i in m.indicators if i.key == key)


async def log_entries(services: Services) -> list[AccessLogEntry]:
    async with services.sessions() as session:
        return list(
            await session.scalars(
                select(AccessLogEntry).where(AccessLogEntry.record_type == "dashboard").order_by(AccessLogEntry.id)
            )
        )


async def test_a_team_manager_sees_their_team_and_is_refused_other_teams_with_a_logged_reason(
    services: Services,
) -> None:
    org = await seed(services)
    dashboards = dashboard_service(services)

    board = await dashboards.dashboard(org.people[TEAM_MANAGER])

    assert board.level is Level.TEAM and board.scope_name == "Riverside Locality Team"
    assert audits(board) == {(STANDARD, "completed"): 2, (STANDARD, "in_progress"): 1, (DIP, "assigned"): 1}
    assert feedback_total(board) == 3
    assert (board.actions.open, board.actions.overdue, board.actions.done) == (2, 1, 1)
    assert figure(board, "assessments_in_timescale") == RIVERSIDE_FIGURE
    assert board.children == ()
    assert [link.name for link in board.trail] == ["Riverside Locality Team"]

    with pytest.raises(NotAllowed) as refused:
        await dashboards.dashboard(org.people[TEAM_MANAGER], team_id=org.teams["Front Door"])
    assert "team manager" in refused.value.user_message
    with pytest.raises(NotAllowed):
        await dashboards.dashboard(org.people[TEAM_MANAGER], area_id=org.areas["Locality social work"])

    entries = await log_entries(services)
    assert [(e.action, e.actor_id) for e in entries] == [
        ("view", org.people[TEAM_MANAGER]),
        ("view refused", org.people[TEAM_MANAGER]),
        ("view refused", org.people[TEAM_MANAGER]),
    ]
    assert entries[1].detail["team_id"] == org.teams["Front Door"] and "reason" in entries[1].detail


async def test_a_practitioner_sees_only_their_own_work(services: Services) -> None:
    org = await seed(services)
    dashboards = dashboard_service(services)

    board = await dashboards.dashboard(org.people[PRACTITIONER])

    assert board.level is Level.OWN and board.measures is None
    assert sum(audits(board).values()) == 2 and {stage for _, stage in audits(board)} == {"completed"}
    assert feedback_total(board) == 2
    assert (board.actions.open, board.actions.overdue, board.actions.done) == (2, 1, 0)
    with pytest.raises(NotAllowed):
        await dashboards.dashboard(org.people[PRACTITIONER], team_id=org.teams["Riverside Locality Team"])
    with pytest.raises(NotAllowed):
        await dashboards.dashboard(org.people[PRACTITIONER], area_id=org.areas["First Contact"])


async def test_a_senior_manager_drills_down_through_their_areas_only(services: Services) -> None:
    org = await seed(services)
    dashboards = dashboard_service(services)
    helen = org.people[SENIOR_MANAGER]

    home = await dashboards.dashboard(helen)
    area = await dashboards.dashboard(helen, area_id=org.areas["Locality social work"])
    team = await dashboards.dashboard(helen, team_id=org.teams["Riverside Locality Team"])

    assert home.level is Level.AREA
    assert {link.name for link in home.tops} == {"Locality social work", "Early Help"}
    assert [link.name for link in area.children] == ["Moorside Locality Team", "Riverside Locality Team"]
    assert sum(audits(area).values()) == 4 and feedback_total(area) == 3
    assert figure(area, "assessments_in_timescale") is not None
    assert [link.name for link in team.trail] == ["Locality social work", "Riverside Locality Team"]
    assert figure(team, "assessments_in_timescale") == RIVERSIDE_FIGURE
    with pytest.raises(NotAllowed):
        await dashboards.dashboard(helen, team_id=org.teams["Front Door"])
    with pytest.raises(NotAllowed):
        await dashboards.dashboard(helen, area_id=org.areas["First Contact"])


async def test_the_qa_lead_sees_the_whole_service_and_every_team(services: Services) -> None:
    org = await seed(services)
    dashboards = dashboard_service(services)

    board = await dashboards.dashboard(org.people[QA_LEAD])
    front_door = await dashboards.dashboard(org.people[QA_LEAD], team_id=org.teams["Front Door"])

    assert board.level is Level.SERVICE and len(board.children) == 6
    assert sum(audits(board).values()) == 5 and feedback_total(board) == 7
    assert (board.actions.open, board.actions.overdue) == (3, 2)
    assert board.measures is not None and len(board.measures.measures) == 5
    assert sum(audits(front_door).values()) == 1 and feedback_total(front_door) == 4


async def test_people_outside_the_organisation_are_refused_and_unknown_places_are_not_found(
    services: Services,
) -> None:
    org = await seed(services, measures=False)
    dashboards = dashboard_service(services)

    with pytest.raises(NotAllowed):
        await dashboards.dashboard(None)
    with pytest.raises(NotFound):
        await dashboards.dashboard(org.people[QA_LEAD], team_id=999_999)
    admin = await dashboards.dashboard(org.people[ADMINISTRATOR])
    assert admin.level is Level.OWN and admin.audits == () and admin.actions.open == 0
    board = await dashboards.dashboard(org.people[QA_LEAD])
    assert board.measures is None, "no measures file loaded: no measures, not zeros"


async def test_an_indicator_with_no_figures_is_no_data_not_zero(services: Services) -> None:
    org = await seed(services)
    board = await dashboard_service(services).dashboard(org.people[QA_LEAD], team_id=org.teams["Front Door"])

    assert figure(board, "referral_decisions_24h") is None


def test_the_framework_roles_that_see_the_whole_service() -> None:
    assert {Role.QA_LEAD, Role.SERVICE_DIRECTOR, Role.PERFORMANCE_ANALYST} <= WHOLE_SERVICE_ROLES
    assert Role.PRACTITIONER not in WHOLE_SERVICE_ROLES and Role.TEAM_MANAGER not in WHOLE_SERVICE_ROLES


async def test_people_are_found_from_their_entra_object_id_or_email(services: Services) -> None:
    org = await seed(services, measures=False)
    dashboards = seeded.dashboard_service(services)

    assert (
        await dashboards.person_for_entra_user("00000000-0000-0000-0000-0000000000021", None)
        == org.people[TEAM_MANAGER]
    )
    assert (
        await dashboards.person_for_entra_user("unknown", "Helen.Carrow@northshire.example")
        == org.people[SENIOR_MANAGER]
    )
    assert await dashboards.person_for_entra_user("unknown", "meganb@example.com") is None, (
        "someone with an object id is matched by it, never by e-mail"
    )
