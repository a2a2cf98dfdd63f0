"""The QIM through Microsoft's Teams playground (run by test_qim_playground.py in a network
namespace; ``pytest tests/e2e/isolated_qim.py`` runs it directly).

Alex (the playground's user) is a practitioner in the demo organisation and is refused the QIM's
pack. As the QIM's chair (``demo role service director``) they open the pack, record a decision
and raise a service-level action from its cards (a form without an owner comes back), get their
own link to the full report, and post the pack in the team's General channel, where it arrives
through the delivery engine."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cards import verbs
from qop.app import SERVICES_KEY
from qop.playground import RunningPlayground
from storage.db import create_engine
from storage.models import Action
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, next_card_with
from tests.support.cards import button_data

pytestmark = pytest.mark.e2e


def _button_data(card: dict, verb: str) -> dict:  # type: ignore[type-arg]
    data = button_data(card, verb)
    data.pop("verb", None)
    return data


async def _qim_actions(bot: LiveBot) -> list[tuple[str, str | None]]:
    engine = create_engine(bot.settings.database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(Action.source, Action.source_ref).where(Action.source == "qim"))
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        await engine.dispose()


async def test_the_chair_runs_the_qim_from_its_pack_in_the_playground(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    assert bot.app is not None
    services = bot.app[SERVICES_KEY]
    assert (await services.demo.load()).rejections == []
    before = len(await _qim_actions(bot))

    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        personal = config["personalChat"]["id"]
        general = next(c["id"] for c in config["teams"][0]["channels"] if c["name"] == "General")
        await teams.install(personal)
        await teams.next_card(personal)  # welcome

        await teams.say(personal, "qim")
        assert "for the members of the Quality Improvement Meeting" in card_text(await teams.next_card(personal))
        await teams.say(personal, "demo role service director")
        await teams.next_card(personal)
        await teams.say(personal, "qim")
        pack, pack_id = await next_card_with(teams, personal, "QIM pack: meeting on")
        assert "Record a decision" in card_text(pack)

        async def press(verb: str, data: dict) -> dict:  # type: ignore[type-arg]
            return (await teams.execute(personal, verb, data, reply_to_id=pack_id))["value"]

        form = await press(verbs.QIM_DECISION_FORM, _button_data(pack, verbs.QIM_DECISION_FORM))
        saved = await press(
            verbs.QIM_DECISION_SAVE,
            {**_button_data(form, verbs.QIM_DECISION_SAVE), "decision": "Themed audit of management oversight in Q3."},
        )
        assert "Decision recorded." in card_text(saved)

        action_form = await press(verbs.QIM_ACTION_FORM, _button_data(pack, verbs.QIM_ACTION_FORM))
        entered = {**_button_data(action_form, verbs.QIM_ACTION_SAVE), "description": "Audit oversight of CP plans"}
        no_owner = await press(verbs.QIM_ACTION_SAVE, entered)
        assert "needs an owner" in card_text(no_owner)
        due = (services.qim.today() + timedelta(days=60)).isoformat()
        raised = await press(verbs.QIM_ACTION_SAVE, {**entered, "owner_email": "meganb@example.com", "due_date": due})
        assert "raised for Megan Bowen" in card_text(raised)
        assert len(await _qim_actions(bot)) == before + 1

        link = await press(verbs.REPORT_QIM_LINK, _button_data(pack, verbs.REPORT_QIM_LINK))
        assert "/reports/qim?t=" in json.dumps(link)

        await teams.install(general)
        await teams.next_card(general)  # welcome
        await teams.say(general, "qim pack", mention_bot=True)
        texts = [card_text(await teams.next_card(general)), card_text(await teams.next_card(general))]
        assert any("posted in this channel" in t for t in texts)
        assert any("QIM pack: meeting on" in t and "Audit oversight of CP plans" in t for t in texts)
