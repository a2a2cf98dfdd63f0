"""Actions through the whole app: the commands, the card buttons, and the permission refusals."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from cards import verbs
from services.actions import NewAction
from storage.models import ActionSource
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.action_org import Org, make_org
from tests.support.cards import nodes

PRACTITIONER = a.user(1, name="Priya Shah")
MANAGER = a.user(2, name="Maya Patel")
COLLEAGUE = a.user(3, name="Callum Reid")


@pytest.fixture
async def org(sessions) -> Org:  # type: ignore[no-untyped-def]
    return await make_org(sessions, teams_ids=True)


def _text(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


async def _invoke(harness: BotHarness, sender: dict, verb: str, data: dict, chat: int = 1) -> dict:
    body = await harness.send(
        a.card_action(harness.service_url, verb, data, sender=sender, conversation=a.personal_chat(chat))
    )
    assert body["statusCode"] == 200
    return body["value"]


async def _command(harness: BotHarness, sender: dict, text: str, chat: int = 1) -> dict:
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=a.personal_chat(chat)))
    return harness.connector.in_conversation(f"a:personal-{chat}")[-1].cards[0]


async def test_manager_creates_an_action_and_the_owner_closes_it(harness: BotHarness, org: Org, services) -> None:  # type: ignore[no-untyped-def]
    form = await _command(harness, MANAGER, "new action", chat=2)
    assert "New action" in _text(form) and "Priya Shah" in _text(form)

    due = (date(2026, 1, 12) + timedelta(days=10)).isoformat()
    created = await _invoke(
        harness,
        MANAGER,
        verbs.ACTION_CREATE,
        {"description": "Record the child's views in the plan", "owner_id": str(org.practitioner), "due_date": due},
        chat=2,
    )
    assert "Action created" in _text(created) and "Priya Shah will be reminded" in _text(created)

    listing = await _command(harness, PRACTITIONER, "my actions")
    assert "Record the child's views in the plan" in _text(listing)
    [view] = await services.actions.my_actions(org.practitioner)

    opened = await _invoke(harness, PRACTITIONER, verbs.ACTION_OPEN, {"action_id": view.id})
    assert "Mark done" in _text(opened) and "Reassign" not in _text(opened)

    blank = await _invoke(
        harness, PRACTITIONER, verbs.ACTION_DONE, {"action_id": view.id, "evidence": " ", "reason": "kept"}
    )
    assert "Please add what was done" in _text(blank) and "Mark done" in _text(blank)
    assert '"value": "kept"' in _text(blank)  # what was typed elsewhere on the card is not lost

    done = await _invoke(
        harness, PRACTITIONER, verbs.ACTION_DONE, {"action_id": view.id, "evidence": "Views recorded 15/01"}
    )
    assert "Marked as done" in _text(done)
    assert "Action.ShowCard" not in _text(done) and "Action.Execute" not in _text(done)  # read-only now


async def test_strangers_are_refused_and_the_manager_sees_the_team(harness: BotHarness, org: Org, services) -> None:  # type: ignore[no-untyped-def]
    late = NewAction(ActionSource.AUDIT, "Chronology up to date", org.colleague, date(2026, 1, 13))
    action = await services.actions.create(late, actor_id=org.manager)
    services.clock.advance(timedelta(days=2))

    refused = await _invoke(harness, PRACTITIONER, verbs.ACTION_DONE, {"action_id": action.id, "evidence": "x"})
    assert "Only the action's owner or their team manager" in _text(refused)
    refused_list = await _command(harness, PRACTITIONER, "team actions")
    assert "Team actions are for managers" in _text(refused_list)
    refused_form = await _command(harness, PRACTITIONER, "new action")
    assert "Only managers and the QA lead" in _text(refused_form)

    team = await _command(harness, MANAGER, "team actions", chat=2)
    assert "Callum Reid" in _text(team) and "Overdue" in _text(team)
    opened = await _invoke(harness, MANAGER, verbs.ACTION_OPEN, {"action_id": action.id}, chat=2)
    assert "Reassign" in _text(opened) and "Change the date" in _text(opened)
    moved = await _invoke(
        harness, MANAGER, verbs.ACTION_REASSIGN, {"action_id": action.id, "new_owner_id": str(org.practitioner)}, chat=2
    )
    assert "Priya Shah now owns this action" in _text(moved)


async def test_new_date_proposal_and_decision_through_cards(harness: BotHarness, org: Org, services) -> None:  # type: ignore[no-untyped-def]
    action = await services.actions.create(
        NewAction(ActionSource.QIM, "Share learning at team meeting", org.practitioner, date(2026, 1, 20)),
        actor_id=org.manager,
    )
    proposed = await _invoke(
        harness,
        PRACTITIONER,
        verbs.ACTION_PROPOSE_DATE,
        {"action_id": action.id, "new_date": "2026-02-03", "reason": "Team meeting moved"},
    )
    assert "New date asked for" in _text(proposed) and "Tue 3 Feb 2026" in _text(proposed)
    [view] = await services.actions.my_actions(org.practitioner)
    decided = await _invoke(
        harness, MANAGER, verbs.ACTION_DECIDE_DATE, {"proposal_id": view.pending_proposal.id, "approve": False}, chat=2
    )
    assert "New date declined" in _text(decided) and "Tue 20 Jan 2026" in _text(decided)


async def test_it_happened_on_a_qa_calendar_card(harness: BotHarness, org: Org) -> None:
    qa_lead = a.user(6, name="Quinn Adams")
    data = {"activity": "qim", "due_on": "2026-01-28"}
    recorded = await _invoke(harness, qa_lead, verbs.CALENDAR_HELD, data, chat=6)
    assert "Recorded: Quality Improvement Meeting (QIM)" in _text(recorded) and "Mon 12 Jan 2026" in _text(recorded)
    refused = await _invoke(harness, PRACTITIONER, verbs.CALENDAR_HELD, data)
    assert "Only the people responsible for the Quality Improvement Meeting (QIM)" in _text(refused)
    stale = await _invoke(harness, qa_lead, verbs.CALENDAR_HELD, {"activity": "qim", "due_on": "someday"}, chat=6)
    assert "out of date" in _text(stale)


async def test_qa_calendar_shows_the_cadence_with_buttons_for_the_responsible(harness: BotHarness, org: Org) -> None:
    qa_lead = a.user(6, name="Quinn Adams")
    await _invoke(harness, qa_lead, verbs.CALENDAR_HELD, {"activity": "qim", "due_on": "2026-01-28"}, chat=6)
    listing = await _command(harness, qa_lead, "qa calendar", chat=6)
    text = _text(listing)
    assert "Quality Improvement Meeting (QIM)" in text and "held Mon 12 Jan 2026" in text
    assert '"activity": "performance_qa_report"' in text  # the QA lead may record the report due on 20 January
    practitioner_view = _text(await _command(harness, PRACTITIONER, "qa calendar"))
    assert "Supervision" in practitioner_view and "It happened" not in practitioner_view


def _buttons(card: dict) -> dict[str, dict]:
    """Every button on a card, ShowCard sub-cards included, by title (two Declines: the first)."""
    found: dict[str, dict] = {}
    for node in nodes(card):
        if node.get("type") in ("Action.Execute", "Action.ShowCard") and "title" in node:
            found.setdefault(node["title"], node)
    return found


def _choice(button: dict, input_id: str, title: str) -> str:
    [choice_set] = [node for node in nodes(button) if node.get("id") == input_id]
    [value] = [c["value"] for c in choice_set["choices"] if c["title"] == title]
    return value


async def test_a_team_managers_overdue_action_reaches_the_senior_manager_who_can_act_on_it(
    harness: BotHarness, org: Org, services, sessions, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from qop.app import SERVICES_KEY
    from tests.support.action_org import add_senior_manager, give_personal_chats
    from tests.support.delivery import eventually

    senior_id = await add_senior_manager(sessions)
    senior = a.user(7, name="Sam Okoro")
    await give_personal_chats(sessions, harness.service_url)
    action = await services.actions.create(
        NewAction(ActionSource.QIM, "Audit the team's plans for the child's voice", org.manager, date(2026, 1, 14)),
        actor_id=org.qa_lead,
    )
    asked = await _invoke(
        harness,
        MANAGER,
        verbs.ACTION_PROPOSE_DATE,
        {"action_id": action.id, "new_date": "2026-02-27", "reason": "The QIM moved"},
        chat=2,
    )
    assert "New date asked for" in _text(asked)

    async def cards_for_sam(count: int) -> list[dict] | None:
        cards = [m.cards[0] for m in harness.connector.in_conversation("a:personal-7")]
        return cards if len(cards) >= count else None

    [proposal] = await eventually(lambda: cards_for_sam(1), what="the team manager's date request for Sam")
    assert "A new date has been asked for" in _text(proposal) and "Approve new date" in _text(proposal)

    clock.set(datetime(2026, 1, 21, 9, 0, tzinfo=UTC))  # five working days after 14 January
    run = await harness.client.app[SERVICES_KEY].reminders.run_due_reminders()
    assert f"action:{action.id}:senior_escalation:2026-01-21:{senior_id}" in run.sent
    escalation = (await eventually(lambda: cards_for_sam(2), what="the escalation for Sam"))[1]
    buttons = _buttons(escalation)
    assert "An overdue action in your service area has no line manager" in _text(escalation)
    assert {"Approve new date", "Decline", "Change the date", "Reassign", "Cancel action"} <= set(buttons)
    assert "Mark done" not in buttons and "Record progress" not in buttons

    # Every button Sam is offered works for him.
    decline = buttons["Decline"]
    declined = await _invoke(harness, senior, decline["verb"], decline["data"], chat=7)
    assert "New date declined" in _text(declined)
    change_date = buttons["Change the date"]["card"]["actions"][0]
    changed = await _invoke(
        harness,
        senior,
        change_date["verb"],
        {**change_date["data"], "new_date": "2026-02-06", "reason": "Agreed at the area review"},
        chat=7,
    )
    assert "Due date changed" in _text(changed) and "Fri 6 Feb 2026" in _text(changed)
    reassign = buttons["Reassign"]
    to_priya = _choice(reassign, "new_owner_id", "Priya Shah")
    moved = await _invoke(
        harness,
        senior,
        reassign["card"]["actions"][0]["verb"],
        {**reassign["card"]["actions"][0]["data"], "new_owner_id": to_priya},
        chat=7,
    )
    assert "Priya Shah now owns this action" in _text(moved)


async def test_a_forged_reassign_invoke_is_refused_and_changes_nothing(harness: BotHarness, org: Org, services) -> None:  # type: ignore[no-untyped-def]
    """A crafted Action.Execute naming someone the card never offered (another team's practitioner)."""
    action = await services.actions.create(
        NewAction(ActionSource.AUDIT, "Chronology up to date", org.practitioner, date(2026, 1, 20)),
        actor_id=org.manager,
    )
    opened = await _invoke(harness, MANAGER, verbs.ACTION_OPEN, {"action_id": action.id}, chat=2)
    assert "Callum Reid" in _text(opened) and "Olivia Brown" not in _text(opened)

    forged = await _invoke(
        harness,
        MANAGER,
        verbs.ACTION_REASSIGN,
        {"action_id": action.id, "new_owner_id": str(org.outsider), "reassign_reason": "forged"},
        chat=2,
    )
    assert "You can only give an action to someone active in a team you manage" in _text(forged)
    assert "now owns this action" not in _text(forged) and "Action.Execute" not in _text(forged)
    unchanged = await services.actions.get(action.id, actor_id=org.manager)
    assert unchanged.owner_id == org.practitioner
    assert [view.id for view in await services.actions.my_actions(org.outsider)] == []

    moved = await _invoke(
        harness, MANAGER, verbs.ACTION_REASSIGN, {"action_id": action.id, "new_owner_id": str(org.colleague)}, chat=2
    )
    assert "Callum Reid now owns this action" in _text(moved)
