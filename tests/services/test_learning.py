"""Compliments and complaints logged by client relations; quality practice nominated to celebrate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.container import Services
from services.errors import InvalidInput, NotAllowed
from services.teams_data import TeamsUser
from storage.models import AccessLogEntry, ClientFeedbackEntry, PracticeExample, RoleAssignment
from tests.support.action_org import Org, make_org
from views.improvement import ClientFeedbackInput, PracticeExampleInput

CLIENT_RELATIONS = TeamsUser("29:user-5")  # Olivia Brown, given the role below
MANAGER = TeamsUser("29:user-2")  # Maya Patel, manages Riverside
OTHER_MANAGER = TeamsUser("29:user-4")  # Omar Hassan, manages Hillside
PRACTITIONER = TeamsUser("29:user-1")
QA = TeamsUser("29:user-6")
TODAY = date(2026, 1, 12)  # the clock fixture's date

COMPLAINT = ClientFeedbackInput(
    kind="complaint",
    team="riverside locality team",
    received_on=TODAY - timedelta(days=3),
    themes=("Communication", " timeliness ", "communication"),
    case_reference="lcs123456",
    summary="Parent was not told the meeting had moved.",
)
EXAMPLE = PracticeExampleInput(
    team="Riverside Locality Team",
    source="audit",
    description="Direct work with a nine-year-old in 2026 shaped the plan in the child's own words.",
    source_ref="41",
)


async def _org(sessions: async_sessionmaker[AsyncSession]) -> Org:
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        session.add(RoleAssignment(person_id=org.outsider, role="client_relations"))
    return org


async def test_client_relations_log_a_complaint_by_theme_and_the_qim_sees_the_themes(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org = await _org(sessions)
    logged = await services.learning.log_client_feedback(CLIENT_RELATIONS, COMPLAINT)
    await services.learning.log_client_feedback(
        CLIENT_RELATIONS,
        ClientFeedbackInput("compliment", "Riverside Locality Team", TODAY, ("communication",)),
    )
    assert (logged.team, logged.themes, logged.case_reference) == (
        "Riverside Locality Team",
        ("communication", "timeliness"),
        "LCS123456",
    )
    themes = await services.learning.client_feedback_themes(QA, since=TODAY - timedelta(days=90))
    assert [(t.theme, t.compliments, t.complaints) for t in themes] == [
        ("communication", 1, 1),
        ("timeliness", 0, 1),
    ]
    async with sessions() as session:
        rows = list(await session.scalars(select(ClientFeedbackEntry).order_by(ClientFeedbackEntry.id)))
        logged_entries = list(
            await session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.record_type == "client_feedback")
                .order_by(AccessLogEntry.id)
            )
        )
    assert [(r.kind, r.logged_by_id) for r in rows] == [("complaint", org.outsider), ("compliment", org.outsider)]
    assert [(e.action, e.actor_id) for e in logged_entries] == [
        ("submit", org.outsider),
        ("submit", org.outsider),
        ("view", org.qa_lead),
    ]


@pytest.mark.parametrize(
    ("entry", "fields"),
    [
        (ClientFeedbackInput("praise", "Riverside Locality Team", TODAY, ("x",)), {"kind"}),
        (ClientFeedbackInput("complaint", "Nowhere", TODAY, ("x",)), {"team"}),
        (
            ClientFeedbackInput("complaint", "Riverside Locality Team", TODAY + timedelta(days=1), ("x",)),
            {"received_on"},
        ),
        (ClientFeedbackInput("complaint", "Riverside Locality Team", TODAY, ()), {"themes"}),
        (ClientFeedbackInput("complaint", "Riverside Locality Team", TODAY, ("x",), "Jane Smith"), {"case_reference"}),
        (
            ClientFeedbackInput("complaint", "Riverside Locality Team", TODAY, ("x",), summary="ring 07700 900123"),
            {"summary"},
        ),
    ],
)
async def test_bad_client_feedback_is_refused_field_by_field(
    services: Services, sessions: async_sessionmaker[AsyncSession], entry: ClientFeedbackInput, fields: set[str]
) -> None:
    await _org(sessions)
    with pytest.raises(InvalidInput) as refusal:
        await services.learning.log_client_feedback(CLIENT_RELATIONS, entry)
    assert set(refusal.value.field_errors) == fields
    async with sessions() as session:
        assert list(await session.scalars(select(ClientFeedbackEntry))) == []


async def test_only_client_relations_log_compliments_and_complaints(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _org(sessions)
    with pytest.raises(NotAllowed, match="Only client relations"):
        await services.learning.log_client_feedback(QA, COMPLAINT)
    with pytest.raises(NotAllowed):
        await services.learning.client_feedback_themes(PRACTITIONER, since=TODAY)


async def test_a_manager_nominates_anonymised_practice_and_everyone_sees_it_celebrated(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org = await _org(sessions)
    nominated = await services.learning.nominate(MANAGER, EXAMPLE)
    assert (nominated.team, nominated.source) == ("Riverside Locality Team", "audit")
    shown = await services.learning.celebrated(PRACTITIONER, since=TODAY - timedelta(days=90))
    assert [e.description for e in shown] == [EXAMPLE.description]

    with pytest.raises(NotAllowed, match="Only the team's manager"):
        await services.learning.nominate(OTHER_MANAGER, EXAMPLE)  # not their team
    with pytest.raises(InvalidInput) as refusal:
        await services.learning.nominate(
            MANAGER, PracticeExampleInput(EXAMPLE.team, "audit", "Lovely work on LCS123456's plan.")
        )
    assert "must not point to a child" in refusal.value.field_errors["description"]
    async with sessions() as session:
        rows = list(await session.scalars(select(PracticeExample)))
    assert [(r.nominated_by_id, r.source_ref) for r in rows] == [(org.manager, "41")]
