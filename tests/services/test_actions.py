"""Actions on a real database: creating, closing, date proposals, permissions, lists and CSV import."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from services.actions import NewAction, add_action
from services.container import Services
from services.errors import InvalidInput, NotAllowed
from storage.models import AccessLogEntry, Action, ActionDateChange, ActionEvent, ActionSource, Person
from tests.support.action_org import Org, make_org
from views.actions import ActionStatus

TODAY = date(2026, 1, 12)  # the clock fixture's Monday


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions)


def new(
    owner: int, *, due: date = TODAY + timedelta(days=14), description: str = "Update the child's plan"
) -> NewAction:
    return NewAction(
        source=ActionSource.AUDIT, description=description, owner_id=owner, due_date=due, source_ref="audit:7"
    )


async def test_an_audit_can_create_an_action_inside_its_own_transaction(services: Services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        action = await add_action(session, new(org.practitioner), created_by_id=org.manager, now=services.clock.now())
    [mine] = await services.actions.my_actions(org.practitioner)
    assert mine.id == action.id
    assert mine.status == ActionStatus.OPEN and mine.source == "audit" and mine.source_ref == "audit:7"
    assert mine.owner_name == "Priya Shah" and mine.manager_id == org.manager


async def test_done_needs_evidence_and_a_second_click_changes_nothing(services: Services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    with pytest.raises(InvalidInput) as problem:
        await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="   ")
    assert "evidence" in problem.value.field_errors

    done = await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="Plan updated on 14/01")
    again = await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="clicked twice")
    assert done.status == again.status == ActionStatus.DONE
    assert again.completion_evidence == "Plan updated on 14/01"
    assert await services.actions.my_actions(org.practitioner) == []
    async with sessions() as session:
        kinds = list(await session.scalars(select(ActionEvent.kind).order_by(ActionEvent.id)))
        logged = list(
            await session.execute(select(AccessLogEntry.actor_id, AccessLogEntry.action).order_by(AccessLogEntry.id))
        )
    assert kinds == ["created", "done"]
    assert logged == [(org.manager, "submit"), (org.practitioner, "submit")]


async def test_overdue_is_derived_from_the_date_and_listed_first(services: Services, org: Org, clock) -> None:  # type: ignore[no-untyped-def]
    later = await services.actions.create(new(org.practitioner, due=TODAY + timedelta(days=20)), actor_id=org.manager)
    soon = await services.actions.create(new(org.practitioner, due=TODAY + timedelta(days=2)), actor_id=org.manager)
    clock.advance(timedelta(days=5))

    first, second = await services.actions.my_actions(org.practitioner)
    assert (first.id, first.status) == (soon.id, ActionStatus.OVERDUE)
    assert (second.id, second.status) == (later.id, ActionStatus.OPEN)


async def test_owner_proposes_a_date_and_the_manager_approves(services: Services, org: Org, sessions, delivery) -> None:  # type: ignore[no-untyped-def]
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    proposal = await services.actions.propose_due_date(
        action.id, actor_id=org.practitioner, new_date=TODAY + timedelta(days=30), reason="Family on holiday"
    )
    [pending] = await services.actions.my_actions(org.practitioner)
    assert pending.due_date == action.due_date and pending.pending_proposal.id == proposal.id

    with pytest.raises(NotAllowed):
        await services.actions.decide_due_date(proposal.id, actor_id=org.practitioner, approve=True)
    with pytest.raises(NotAllowed):
        await services.actions.decide_due_date(proposal.id, actor_id=org.other_manager, approve=True)
    approved = await services.actions.decide_due_date(proposal.id, actor_id=org.manager, approve=True)
    assert approved.due_date == TODAY + timedelta(days=30) and approved.pending_proposal is None
    async with sessions() as session:
        change = await session.get(ActionDateChange, proposal.id)
    assert (change.decision, change.decided_by_id, change.previous_due_date) == (
        "approved",
        org.manager,
        action.due_date,
    )


async def test_a_declined_proposal_keeps_the_date(services: Services, org: Org, delivery) -> None:
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    proposal = await services.actions.propose_due_date(
        action.id, actor_id=org.practitioner, new_date=TODAY + timedelta(days=60), reason="Busy"
    )
    declined = await services.actions.decide_due_date(
        proposal.id, actor_id=org.manager, approve=False, note="Needed sooner"
    )
    assert declined.due_date == action.due_date and declined.pending_proposal is None
    # Deciding again (a double click on the manager's card) changes nothing.
    again = await services.actions.decide_due_date(proposal.id, actor_id=org.manager, approve=True)
    assert again.due_date == action.due_date


async def test_a_manager_changes_the_date_directly(services: Services, org: Org) -> None:
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    change = await services.actions.propose_due_date(
        action.id, actor_id=org.manager, new_date=TODAY + timedelta(days=7), reason="Conference brought forward"
    )
    assert change.decision == "changed"
    [view] = await services.actions.my_actions(org.practitioner)
    assert view.due_date == TODAY + timedelta(days=7)


async def test_only_owner_manager_and_qa_lead_may_change_an_action(services: Services, org: Org, delivery) -> None:
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    for stranger in (org.colleague, org.outsider, org.other_manager):
        with pytest.raises(NotAllowed):
            await services.actions.mark_done(action.id, actor_id=stranger, evidence="x")
        with pytest.raises(NotAllowed):
            await services.actions.record_progress(action.id, actor_id=stranger, note="x")
        with pytest.raises(NotAllowed):
            await services.actions.get(action.id, actor_id=stranger)
    with pytest.raises(NotAllowed):
        await services.actions.reassign(action.id, actor_id=org.practitioner, new_owner_id=org.colleague)
    with pytest.raises(NotAllowed):
        await services.actions.cancel(action.id, actor_id=org.practitioner, reason="no")
    with pytest.raises(NotAllowed):
        await services.actions.create(new(org.colleague), actor_id=org.practitioner)

    # Progress is the owner's and their manager's to record; the QA lead decides over actions but does not do them.
    with pytest.raises(NotAllowed):
        await services.actions.record_progress(action.id, actor_id=org.qa_lead, note="Discussed at QIM")
    await services.actions.record_progress(action.id, actor_id=org.manager, note="Discussed in supervision")
    moved = await services.actions.reassign(action.id, actor_id=org.manager, new_owner_id=org.colleague, reason="Leave")
    assert moved.owner_id == org.colleague and moved.owner_name == "Callum Reid"
    # The previous owner no longer owns it, so may no longer change it.
    with pytest.raises(NotAllowed):
        await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="x")
    cancelled = await services.actions.cancel(action.id, actor_id=org.qa_lead, reason="Superseded by QIM plan")
    assert cancelled.status == ActionStatus.CANCELLED
    with pytest.raises(InvalidInput):
        await services.actions.mark_done(action.id, actor_id=org.colleague, evidence="x")


async def test_team_actions_show_the_team_overdue_first_and_refuse_non_managers(
    services: Services, org: Org, clock
) -> None:  # type: ignore[no-untyped-def]
    await services.actions.create(new(org.practitioner, due=TODAY + timedelta(days=10)), actor_id=org.manager)
    late = await services.actions.create(new(org.colleague, due=TODAY + timedelta(days=1)), actor_id=org.manager)
    await services.actions.create(new(org.outsider), actor_id=org.other_manager)
    clock.advance(timedelta(days=3))

    team = await services.actions.team_actions(org.manager)
    assert [(v.owner_name, v.status) for v in team] == [
        ("Callum Reid", ActionStatus.OVERDUE),
        ("Priya Shah", ActionStatus.OPEN),
    ]
    assert team[0].id == late.id
    with pytest.raises(NotAllowed):
        await services.actions.team_actions(org.practitioner)


async def test_impact_is_recorded_and_the_manager_can_ask_for_more(services: Services, org: Org, delivery) -> None:
    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    with pytest.raises(InvalidInput):
        await services.actions.record_impact(action.id, actor_id=org.practitioner, answer="Too early")
    await services.actions.mark_done(action.id, actor_id=org.practitioner, evidence="Plan rewritten with the family")
    first = await services.actions.record_impact(
        action.id, actor_id=org.practitioner, answer="Mum says she knows the plan"
    )
    assert first.impact_answer and not first.impact_more_asked

    with pytest.raises(NotAllowed):
        await services.actions.ask_for_more_impact(action.id, actor_id=org.practitioner, note="x")
    asked = await services.actions.ask_for_more_impact(action.id, actor_id=org.manager, note="What does the child say?")
    assert asked.impact_more_asked and asked.impact_more_asked_note == "What does the child say?"
    second = await services.actions.record_impact(action.id, actor_id=org.practitioner, answer="Child scaled 8/10")
    assert not second.impact_more_asked
    assert "Mum says" in second.impact_answer and "Child scaled 8/10" in second.impact_answer


async def test_csv_import_reports_each_bad_row_and_never_imports_twice(services: Services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    content = (
        "description,owner_email,due_date,source,source_ref,case_reference\n"
        "Share the plan with the family,priya@council.example.gov.uk,2026-02-20,qim,QIM 2026-Q1,\n"
        "Record the child's views,callum@council.example.gov.uk,20/02/2026,audit,audit:12,lcs123456\n"
        ",priya@council.example.gov.uk,2026-02-20,,,\n"
        "Book the practice day,nobody@council.example.gov.uk,2026-02-20,,,\n"
        "Check the chronology,priya@council.example.gov.uk,next week,,,\n"
        "Review supervision notes,priya@council.example.gov.uk,2026-02-20,gossip,,\n"
    )
    report = await services.actions.import_csv(content)
    assert len(report.created) == 2 and report.duplicates == []
    assert [line for line, _ in report.errors] == [4, 5, 6, 7]
    reasons = dict(report.errors)
    assert "what must happen" in reasons[4]
    assert "nobody@" in reasons[5]
    assert "not a date" in reasons[6]
    assert "Unknown source" in reasons[7]

    again = await services.actions.import_csv(content)
    assert again.created == [] and again.duplicates == [2, 3]
    async with sessions() as session:
        assert await session.scalar(select(func.count(Action.id))) == 2
        imported = await session.scalar(select(Action).where(Action.source == "audit"))
    assert imported.case_reference == "LCS123456" and imported.due_date == date(2026, 2, 20)

    missing = await services.actions.import_csv("what,who\nx,y\n")
    assert missing.errors == [(1, "missing column(s): description, due_date, owner_email")]


async def test_the_demo_has_open_overdue_and_done_actions_and_loads_once(services: Services, sessions) -> None:  # type: ignore[no-untyped-def]
    from qop.cli_org import DEMO_ORGANISATION
    from services.demo_actions import load_demo_actions

    await services.organisation.import_file(DEMO_ORGANISATION)
    assert await load_demo_actions(sessions, services.clock) == 10
    assert await load_demo_actions(sessions, services.clock) == 0
    async with sessions() as session:
        alex = await session.scalar(select(Person.id).where(Person.email == "alexw@example.com"))
        megan = await session.scalar(select(Person.id).where(Person.email == "meganb@example.com"))
    statuses = [v.status for v in await services.actions.my_actions(alex, include_closed=True)]
    assert statuses.count(ActionStatus.OVERDUE) == 1 and statuses.count(ActionStatus.DONE) == 1
    team = await services.actions.team_actions(megan)
    assert [v.status for v in team][:3] == [ActionStatus.OVERDUE] * 3


async def test_in_the_demo_the_head_of_service_hears_of_a_team_managers_overdue_action(
    services: Services, sessions
) -> None:  # type: ignore[no-untyped-def]
    """What ``make run`` shows: Megan Bowen's own overdue action escalates to Helen Carrow (senior
    manager) and Rachel Dunmore (Head of Service) of Locality social work; the QA calendar reminds
    Grace Okonjo (Principal Social Worker) and Martin Hale (IRO manager) of the moderation group."""
    from qop.cli_org import DEMO_ORGANISATION
    from services.actions import load_seniors
    from services.demo_actions import load_demo_actions
    from services.qa_calendar import _Organisation, load_calendar
    from storage.db import transaction
    from storage.repositories import actions as action_repo

    await services.organisation.import_file(DEMO_ORGANISATION)
    await load_demo_actions(sessions, services.clock)
    async with transaction(sessions) as session:
        people = {p.email: p.id for p in await session.scalars(select(Person))}
        [escalated] = await session.scalars(action_repo.with_owner().where(Action.source_ref == "demo:10"))
        above = (await load_seniors(session)).above(escalated.owner)
        organisation = await _Organisation.load(session)
    assert set(above) == {people["helen.carrow@northshire.example"], people["rachel.dunmore@northshire.example"]}
    moderation = next(a for a in load_calendar() if a.key == "moderation_group")
    reminded = set(organisation.responsible(moderation, "service"))
    assert {people["grace.okonjo@northshire.example"], people["martin.hale@northshire.example"]} <= reminded
    assert organisation.unheld(moderation, "service") == ()


async def test_a_team_managers_own_action_is_for_their_areas_senior_manager_to_decide(
    services: Services, org: Org
) -> None:
    from tests.support.action_org import add_senior_manager

    senior = await add_senior_manager(services.sessions)
    elsewhere = await add_senior_manager(services.sessions, number=8, name="Erin Lowe", area="Early Help")
    action = await services.actions.create(
        new(org.manager, description="Audit plans for the child's voice"), actor_id=org.qa_lead
    )
    practitioners = await services.actions.create(new(org.practitioner), actor_id=org.manager)

    shown = await services.actions.open_for(action.id, actor_id=senior)
    assert shown.deciding and not shown.working
    # Whom they may hand it to: the people in their area's teams.
    assert {c.name for c in shown.colleagues} == {
        "Maya Patel",
        "Priya Shah",
        "Callum Reid",
        "Omar Hassan",
        "Olivia Brown",
    }
    with pytest.raises(NotAllowed):
        await services.actions.record_progress(action.id, actor_id=senior, note="x")
    # Not another area's senior manager, and not a practitioner's action: that has a line manager.
    with pytest.raises(NotAllowed):
        await services.actions.open_for(action.id, actor_id=elsewhere)
    with pytest.raises(NotAllowed):
        await services.actions.get(practitioners.id, actor_id=senior)

    # The team manager asks for a new date: only someone above them can decide it.
    asked = await services.actions.propose_due_date(
        action.id, actor_id=org.manager, new_date=TODAY + timedelta(days=21), reason="QIM moved"
    )
    assert asked.decision == "pending"
    approved = await services.actions.decide_due_date(asked.id, actor_id=senior, approve=True)
    assert approved.due_date == TODAY + timedelta(days=21)
    # Setting a date is a decision: the senior manager and the QA lead change it at once.
    changed = await services.actions.propose_due_date(
        action.id, actor_id=senior, new_date=TODAY + timedelta(days=28), reason="After the area review"
    )
    assert changed.decision == "changed"
    by_qa = await services.actions.propose_due_date(
        practitioners.id, actor_id=org.qa_lead, new_date=TODAY + timedelta(days=28), reason="QIM plan"
    )
    assert by_qa.decision == "changed"
    moved = await services.actions.reassign(action.id, actor_id=senior, new_owner_id=org.colleague, reason="Delegated")
    assert moved.owner_name == "Callum Reid" and moved.manager_id == org.manager
    # Now it has a line manager again, so it is no longer the senior manager's to open.
    with pytest.raises(NotAllowed):
        await services.actions.get(action.id, actor_id=senior)


async def test_a_reassign_reaches_no_further_than_the_card_offers(services: Services, org: Org, sessions) -> None:  # type: ignore[no-untyped-def]
    """The card's choices are only a convenience: a crafted invoke naming anyone else changes nothing."""
    from cards.text_actions import NOT_ASSIGNABLE

    action = await services.actions.create(new(org.practitioner), actor_id=org.manager)
    offered = {c.id for c in (await services.actions.open_for(action.id, actor_id=org.manager)).colleagues}
    assert offered == {org.practitioner, org.colleague}  # Maya's team, herself excluded
    # Another team's people, the QA lead (no team) and Maya herself: none offered, none accepted.
    for forged in (org.outsider, org.other_manager, org.qa_lead, org.manager):
        with pytest.raises(NotAllowed) as refused:
            await services.actions.reassign(action.id, actor_id=org.manager, new_owner_id=forged, reason="forged")
        assert refused.value.user_message == NOT_ASSIGNABLE
    # Whoever raised an action without managing anyone may change it but is offered nobody to hand it to.
    async with sessions() as session, session.begin():
        raised = await add_action(session, new(org.practitioner), created_by_id=org.outsider, now=services.clock.now())
    assert (await services.actions.open_for(raised.id, actor_id=org.outsider)).colleagues == []
    with pytest.raises(NotAllowed):
        await services.actions.reassign(raised.id, actor_id=org.outsider, new_owner_id=org.colleague)

    async with sessions() as session:
        owners = list(await session.scalars(select(Action.owner_id).order_by(Action.id)))
        kinds = list(await session.scalars(select(ActionEvent.kind).order_by(ActionEvent.id)))
        changes = await session.scalar(select(func.count()).where(AccessLogEntry.action == "change"))
    assert owners == [org.practitioner, org.practitioner] and kinds == ["created", "created"] and changes == 0

    moved = await services.actions.reassign(action.id, actor_id=org.manager, new_owner_id=org.colleague)
    assert moved.owner_id == org.colleague
    # The QA lead may hand it to anyone active in the organisation, as their card offers.
    qa_offered = {c.id for c in (await services.actions.open_for(action.id, actor_id=org.qa_lead)).colleagues}
    assert org.outsider in qa_offered
    to_hillside = await services.actions.reassign(action.id, actor_id=org.qa_lead, new_owner_id=org.outsider)
    assert to_hillside.owner_id == org.outsider and to_hillside.manager_id == org.other_manager
