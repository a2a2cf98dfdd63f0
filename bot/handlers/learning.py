"""``client feedback`` (client relations), ``celebrate`` and ``celebrated``: learning and good practice."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import learning as cards
from cards import text_learning as text
from cards import verbs
from services.errors import InvalidInput

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

RECENT = timedelta(days=90)


async def client_feedback(turn: Turn) -> None:
    learning = turn.services.learning
    await turn.send_card(cards.client_feedback_form_card(await learning.team_names(), today=learning.today()))


async def new_client_feedback(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    learning = turn.services.learning
    return ActionResult(card=cards.client_feedback_form_card(await learning.team_names(), today=learning.today()))


async def log_client_feedback(turn: Turn, data: dict[str, Any]) -> ActionResult:
    learning = turn.services.learning
    entry, errors = cards.read_client_feedback(data)
    try:
        if errors:
            raise InvalidInput(text.PROBLEMS, errors)
        logged = await learning.log_client_feedback(turn.user, entry)
    except InvalidInput as problem:
        form = cards.client_feedback_form_card(
            await learning.team_names(),
            today=learning.today(),
            errors=problem.field_errors or {"_": problem.user_message},
            values=cards.form_values(data),
        )
        return ActionResult(card=form)
    themes = await learning.client_feedback_themes(turn.user, since=learning.today() - RECENT)
    return ActionResult(card=cards.client_feedback_logged_card(logged, themes))


async def celebrate(turn: Turn) -> None:
    await turn.send_card(cards.nomination_form_card(await turn.services.learning.team_names()))


async def celebrated(turn: Turn) -> None:
    learning = turn.services.learning
    await turn.send_card(cards.celebrated_card(await learning.celebrated(turn.user, since=learning.today() - RECENT)))


async def nominate(turn: Turn, data: dict[str, Any]) -> ActionResult:
    learning = turn.services.learning
    try:
        await learning.nominate(turn.user, cards.read_nomination(data))
    except InvalidInput as problem:
        form = cards.nomination_form_card(
            await learning.team_names(),
            errors=problem.field_errors or {"_": problem.user_message},
            values=cards.form_values(data),
        )
        return ActionResult(card=form)
    examples = await learning.celebrated(turn.user, since=learning.today() - RECENT)
    return ActionResult(card=cards.celebrated_card(examples, message=text.NOMINATED))


def register(bot: QopBot) -> None:
    bot.command("client feedback", client_feedback)
    bot.command("celebrate", celebrate)
    bot.command("celebrated", celebrated)
    bot.action(verbs.CLIENT_FEEDBACK_NEW, new_client_feedback)
    bot.action(verbs.CLIENT_FEEDBACK_LOG, log_client_feedback)
    bot.action(verbs.PRACTICE_NOMINATE, nominate)
