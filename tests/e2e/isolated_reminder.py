"""A reminder through Microsoft's Teams playground (run by test_reminder_playground.py in a
network namespace; ``pytest tests/e2e/isolated_reminder.py`` runs it directly).

Alex (the playground's user) has an action due; the reminder job sends the reminder card
through the delivery engine into Alex's personal chat; Alex marks it done with evidence from
the card, and the card turns into a read-only "done" view."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from qop.app import SERVICES_KEY
from qop.cli_org import DEMO_ORGANISATION
from qop.playground import RunningPlayground
from services import working_time
from services.actions import NewAction
from storage.models import ActionSource, Person
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text

pytestmark = pytest.mark.e2e


async def test_a_reminder_arrives_and_marking_it_done_turns_the_card_read_only(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    await services.organisation.import_file(DEMO_ORGANISATION)
    async with PlaygroundClient(playground.url) as teams:
        personal = (await teams.config())["personalChat"]["id"]
        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))

        async with services.sessions() as session:
            alex = await session.scalar(select(Person).where(Person.email == "alexw@example.com"))
            megan = await session.scalar(select(Person.id).where(Person.email == "meganb@example.com"))
        assert alex is not None and alex.teams_user_id == teams.user_id, "the playground user is Alex in the demo"
        due = working_time.next_working_day(services.actions.today())
        action = await services.actions.create(
            NewAction(
                ActionSource.AUDIT, "Add the child's own words to the plan", alex.id, due, case_reference="LCS204117"
            ),
            actor_id=megan,
        )
        # The job, as it runs at 10:00 on the due day (the real clock may say it is night).
        morning = working_time.WorkingHours().opening(due) + timedelta(hours=1)
        run = await services.reminders.run_due_reminders(morning)
        assert run.sent == [f"action:{action.id}:due_today:{due.isoformat()}"]

        message = await teams.next_message(personal)
        [reminder] = [a["content"] for a in message["attachments"]]
        assert "An action is due today" in card_text(reminder)
        assert "Mark done" in json.dumps(reminder)

        answer = await teams.execute(
            personal,
            "action.done",
            {"action_id": action.id, "evidence": "Child's words added to the plan in LCS"},
            reply_to_id=message["messageId"],
        )
        done_card = answer["value"]
        assert "Marked as done" in card_text(done_card)
        assert "Action.Execute" not in json.dumps(done_card) and "Action.ShowCard" not in json.dumps(done_card)
        [view] = await services.actions.my_actions(alex.id, include_closed=True)
        assert view.status == "done" and view.completion_evidence == "Child's words added to the plan in LCS"
