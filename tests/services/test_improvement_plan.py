"""The continuous improvement plan: who may change it, what a save records, and what it refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import FrozenClock
from services.container import Services
from services.errors import InvalidInput, NotAllowed, NotFound
from services.teams_data import TeamsUser
from storage.models import (
    AccessLogEntry,
    Action,
    ActionSource,
    ImprovementPlanChange,
    ImprovementPriority,
    RoleAssignment,
    ServiceArea,
)
from tests.support.action_org import Org, make_org
from views.improvement import PriorityChange

QA_HEAD = TeamsUser("29:user-6")  # Quinn Adams, made QA Head of Service below
HEAD = TeamsUser("29:user-4")  # Omar Hassan, made a Head of Service below
ANALYST = TeamsUser("29:user-5")  # Olivia Brown, made a performance analyst below
PRACTITIONER = TeamsUser("29:user-1")
OWNER = "maya@council.example.gov.uk"


async def _governance(sessions: async_sessionmaker[AsyncSession]) -> Org:
    """The action org with a QA Head of Service, a Head of Service (of the one area) and an analyst."""
    org = await make_org(sessions, teams_ids=True)
    async with sessions() as session, session.begin():
        area = await session.scalar(select(ServiceArea))
        session.add_all(
            [
                RoleAssignment(person_id=org.qa_lead, role="qa_head_of_service"),
                RoleAssignment(person_id=org.other_manager, role="head_of_service", service_area_id=area.id),  # type: ignore[union-attr]
                RoleAssignment(person_id=org.outsider, role="performance_analyst"),
            ]
        )
    return org


async def _qim_action(sessions: async_sessionmaker[AsyncSession], owner_id: int, *, source: str = "qim") -> int:
    async with sessions() as session, session.begin():
        action = Action(
            source=source, description="Refresh the direct work training", owner_id=owner_id, due_date=date(2026, 3, 1)
        )
        session.add(action)
        await session.flush()
        return action.id


VOICE = PriorityChange(
    title="The child's voice is heard in every plan",
    owner_email=OWNER,
    rationale="Audits found the child's views missing from half of plans; practice days named direct work tools.",
    impact_evidence="Audits show the child's views in 80% of plans by Q4.",
    milestone="Direct work toolkit launched",
    milestone_due=date(2026, 2, 27),
)


async def test_the_qa_head_of_service_adds_a_priority_and_everything_is_recorded(
    services: Services, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    org = await _governance(sessions)
    action_id = await _qim_action(sessions, org.practitioner)

    view, message = await services.improvement.save(QA_HEAD, VOICE)

    assert message == "Added to the plan: The child's voice is heard in every plan."
    assert (view.owner_name, view.status) == ("Maya Patel", "active")
    assert [(m.description, m.due_date, m.done, m.late) for m in view.milestones] == [
        ("Direct work toolkit launched", date(2026, 2, 27), False, False)
    ]
    linked, _ = await services.improvement.save(
        HEAD,
        PriorityChange(**{**VOICE.__dict__, "milestone": "", "milestone_due": None, "action_ids": (action_id,)}),
        priority_id=view.id,
    )
    assert [(a.id, a.status, a.owner_name) for a in linked.actions] == [(action_id, "open", "Priya Shah")]

    clock.advance(timedelta(days=60))  # the milestone and the action are now late
    plan = await services.improvement.plan(ANALYST)
    [shown] = plan.priorities
    assert not plan.can_change
    assert shown.milestones[0].late and shown.actions[0].status == "overdue"

    async with sessions() as session:
        changes = list(await session.scalars(select(ImprovementPlanChange).order_by(ImprovementPlanChange.id)))
        logged = list(
            await session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.record_type.like("improvement%"))
                .order_by(AccessLogEntry.id)
            )
        )
    assert [(c.change, c.changed_by_id) for c in changes] == [("created", org.qa_lead), ("updated", org.other_manager)]
    assert changes[0].fields["owner"] == ["", OWNER]
    assert changes[0].fields["milestone"] == ["", "Direct work toolkit launched (due 2026-02-27)"]
    assert changes[1].fields == {"actions": ["", f"#{action_id}"]}
    assert [(e.action, e.actor_id, e.record_type) for e in logged] == [
        ("change", org.qa_lead, "improvement_priority"),
        ("change", org.other_manager, "improvement_priority"),
        ("view", org.outsider, "improvement_plan"),
    ]


async def test_an_update_records_each_field_before_and_after_and_a_milestone_reached(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _governance(sessions)
    view, _ = await services.improvement.save(QA_HEAD, VOICE)
    [milestone] = view.milestones
    updated, message = await services.improvement.save(
        HEAD,
        PriorityChange(
            title=VOICE.title,
            owner_email="omar@council.example.gov.uk",
            rationale=VOICE.rationale,
            impact_evidence="Children tell us they were asked (feedback forms).",
            status="active",
            milestones_done=(milestone.id,),
        ),
        priority_id=view.id,
    )
    assert message.startswith("Saved:") and updated.owner_name == "Omar Hassan" and updated.milestones[0].done
    _, message = await services.improvement.save(
        HEAD,
        PriorityChange(
            title=VOICE.title,
            owner_email="omar@council.example.gov.uk",
            rationale=VOICE.rationale,
            impact_evidence="Children tell us they were asked (feedback forms).",
        ),
        priority_id=view.id,
    )
    assert message.startswith("Nothing changed")

    _, history = await services.improvement.history(ANALYST, view.id)
    assert [(h.change, h.changed_by) for h in history] == [("created", "Quinn Adams"), ("updated", "Omar Hassan")]
    assert {(f.name, f.before, f.after) for f in history[1].fields} == {
        ("owner", OWNER, "omar@council.example.gov.uk"),
        ("evidence of impact", VOICE.impact_evidence, "Children tell us they were asked (feedback forms)."),
        ("milestones reached", "", "Direct work toolkit launched"),
    }


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (PriorityChange(title="Timely assessments", owner_email=""), {"owner_email"}),
        (PriorityChange(title="", owner_email=OWNER), {"title"}),
        (PriorityChange(title="Timely assessments", owner_email="nobody@council.example.gov.uk"), {"owner_email"}),
        (PriorityChange(title="Timely assessments", owner_email=OWNER, milestone="Themed audit"), {"milestone_due"}),
        (
            PriorityChange(title="Timely assessments", owner_email=OWNER, rationale="Call the family on 07700 900123"),
            {"rationale"},
        ),
        (PriorityChange(title="Timely assessments", owner_email=OWNER, action_ids=(9999,)), {"action_ids"}),
        (PriorityChange(title="Timely assessments", owner_email=OWNER, status="forgotten"), {"status"}),
    ],
)
async def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(
    services: Services, sessions: async_sessionmaker[AsyncSession], change: PriorityChange, fields: set[str]
) -> None:
    await _governance(sessions)
    with pytest.raises(InvalidInput) as refusal:
        await services.improvement.save(QA_HEAD, change)
    assert set(refusal.value.field_errors) == fields
    async with sessions() as session:
        assert list(await session.scalars(select(ImprovementPriority))) == []
        assert list(await session.scalars(select(ImprovementPlanChange))) == []


async def test_only_service_level_actions_can_be_linked(
    services: Services, sessions: async_sessionmaker[AsyncSession]
) -> None:
    org = await _governance(sessions)
    audit_action = await _qim_action(sessions, org.practitioner, source=ActionSource.AUDIT.value)
    with pytest.raises(InvalidInput) as refusal:
        await services.improvement.save(QA_HEAD, PriorityChange(**{**VOICE.__dict__, "action_ids": (audit_action,)}))
    assert "was not raised at the QIM" in refusal.value.field_errors["action_ids"]


async def test_who_may_read_and_change_the_plan(services: Services, sessions: async_sessionmaker[AsyncSession]) -> None:
    await _governance(sessions)
    with pytest.raises(NotAllowed, match="Only the QA Head of Service and Heads of Service"):
        await services.improvement.save(ANALYST, VOICE)
    with pytest.raises(NotAllowed, match="improvement plan is for the QIM's members"):
        await services.improvement.plan(PRACTITIONER)
    with pytest.raises(NotAllowed):
        await services.improvement.require_change(TeamsUser("29:user-2"))  # a team manager
    await services.improvement.require_change(HEAD)
    assert (await services.improvement.plan(QA_HEAD)).can_change
    with pytest.raises(NotFound):
        await services.improvement.history(QA_HEAD, 4242)
