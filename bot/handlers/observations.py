"""Practice observations and group supervision / mapping in Teams.

Each handler parses the card data, makes one service call and picks the card for the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import observations as cards
from cards import text_observations as text
from cards import verbs
from services.errors import InvalidInput
from views.observations import MappingForm, ObservationForm, ObservationReflectionForm

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _observation_id(data: dict[str, Any]) -> int:
    try:
        return int(data["observation_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(text.NO_SUCH_OBSERVATION) from None


async def record_observation(turn: Turn) -> None:
    await turn.send_card(
        cards.observation_form_card(await turn.services.observations.new_form(turn.user.teams_user_id))
    )


async def save_observation(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.observations.record(turn.user.teams_user_id, data)
    if isinstance(result, ObservationForm):
        return ActionResult(cards.observation_form_card(result))
    return ActionResult(cards.observation_card(result, just_saved=True))


async def view_observation(turn: Turn, data: dict[str, Any]) -> ActionResult:
    view = await turn.services.observations.view(turn.user.teams_user_id, _observation_id(data))
    return ActionResult(cards.observation_card(view))


async def open_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.observations.open_reflection(turn.user.teams_user_id, _observation_id(data))
    if isinstance(result, ObservationReflectionForm):
        return ActionResult(cards.observation_reflection_card(result))
    return ActionResult(cards.reflection_sent_card(result))


async def submit_reflection(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.observations.submit_reflection(turn.user.teams_user_id, _observation_id(data), data)
    if isinstance(result, ObservationReflectionForm):
        return ActionResult(cards.observation_reflection_card(result))
    return ActionResult(cards.reflection_sent_card(result))


async def record_mapping(turn: Turn) -> None:
    form = await turn.services.mapping.start(
        turn.user.teams_user_id, conversation_id=turn.conversation.conversation_id, case_ref=turn.args
    )
    await turn.send_card(cards.mapping_form_card(form))


async def mapping_next(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return ActionResult(cards.mapping_form_card(await turn.services.mapping.next_step(turn.user.teams_user_id, data)))


async def save_mapping(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.mapping.record(turn.user.teams_user_id, data)
    if isinstance(result, MappingForm):
        return ActionResult(cards.mapping_form_card(result))
    return ActionResult(cards.mapping_summary_card(result))


def register(bot: QopBot) -> None:
    bot.command("record observation", record_observation)
    bot.command("record mapping", record_mapping)
    bot.action(verbs.OBSERVATION_RECORD, save_observation)
    bot.action(verbs.OBSERVATION_VIEW, view_observation)
    bot.action(verbs.OBSERVATION_REFLECT_OPEN, open_reflection)
    bot.action(verbs.OBSERVATION_REFLECT_SUBMIT, submit_reflection)
    bot.action(verbs.MAPPING_NEXT, mapping_next)
    bot.action(verbs.MAPPING_RECORD, save_mapping)
