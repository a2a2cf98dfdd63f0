"""Staff and partner surveys: ``send survey``, ``my surveys``, ``survey results <id>``,
``survey remind <id>``, and the answer button on each survey card."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import surveys as cards
from cards import text_feedback as text
from cards import verbs
from services.errors import InvalidInput
from services.feedback.surveys import Audience

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _survey_id(value: Any) -> int:
    try:
        return int(str(value).strip().upper().removeprefix("S"))
    except (TypeError, ValueError):
        raise InvalidInput(text.WHICH_SURVEY) from None


def _ids(value: Any) -> tuple[int, ...]:
    if not isinstance(value, str) or not value.strip():
        return ()
    try:
        return tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise InvalidInput(text.SURVEY_CARD_OUT_OF_DATE) from None


def _closes_on(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(text.CLOSE_DATE_MISSING, {text.FIELD_CLOSE_DATE: text.CLOSE_DATE_PICK}) from None


async def send_survey(turn: Turn) -> None:
    surveys = turn.services.surveys
    choices = await surveys.choices_for(turn.user.teams_user_id)
    min_group = turn.services.survey_min_group_size
    await turn.send_card(cards.send_survey_card(choices, today=surveys.today(), min_group_size=min_group))


async def my_surveys(turn: Turn) -> None:
    await turn.send_card(cards.my_surveys_card(await turn.services.surveys.waiting_for(turn.user.teams_user_id)))


async def survey_results(turn: Turn) -> None:
    results = await turn.services.surveys.results(_survey_id(turn.args), actor_id=turn.user.teams_user_id)
    await turn.send_card(cards.survey_results_card(results))


async def survey_remind(turn: Turn) -> None:
    await turn.send_card(await _remind_and_show(turn, _survey_id(turn.args)))


async def send(turn: Turn, data: dict[str, Any]) -> ActionResult:
    emails = tuple(e.strip() for e in str(data.get("emails") or "").replace(";", ",").split(",") if e.strip())
    started = await turn.services.surveys.start(
        actor_id=turn.user.teams_user_id,
        template_id=str(data.get("template") or ""),
        audience=Audience(_ids(data.get("team_ids")), _ids(data.get("service_area_ids")), emails),
        closes_on=_closes_on(data.get("closes_on")),
    )
    return ActionResult(card=cards.survey_started(started))


async def open_survey(turn: Turn, data: dict[str, Any]) -> ActionResult:
    view = await turn.services.surveys.form_for(
        actor_id=turn.user.teams_user_id, survey_id=_survey_id(data.get("survey_id"))
    )
    return ActionResult(card=cards.survey_answer_form(view))


async def answer(turn: Turn, data: dict[str, Any]) -> ActionResult:
    surveys = turn.services.surveys
    survey_id = _survey_id(data.get("survey_id"))
    try:
        view = await surveys.answer(actor_id=turn.user.teams_user_id, survey_id=survey_id, submitted=data)
    except InvalidInput as invalid:
        if not invalid.field_errors:
            raise
        view = await surveys.form_for(actor_id=turn.user.teams_user_id, survey_id=survey_id)
        return ActionResult(card=cards.survey_answer_form(view, values=data, problems=invalid.field_errors))
    return ActionResult(card=cards.survey_thanks(view))


async def results(turn: Turn, data: dict[str, Any]) -> ActionResult:
    shown = await turn.services.surveys.results(_survey_id(data.get("survey_id")), actor_id=turn.user.teams_user_id)
    return ActionResult(card=cards.survey_results_card(shown))


async def remind(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=await _remind_and_show(turn, _survey_id(data.get("survey_id"))))


def register(bot: QopBot) -> None:
    bot.command("send survey", send_survey)
    bot.command("my surveys", my_surveys)
    bot.command("survey results", survey_results)
    bot.command("survey remind", survey_remind)
    bot.action(verbs.SURVEY_SEND, send)
    bot.action(verbs.SURVEY_OPEN, open_survey)
    bot.action(verbs.SURVEY_ANSWER, answer)
    bot.action(verbs.SURVEY_RESULTS, results)
    bot.action(verbs.SURVEY_REMIND, remind)


async def _remind_and_show(turn: Turn, survey_id: int) -> dict[str, Any]:
    surveys = turn.services.surveys
    reminded = await surveys.remind(survey_id, actor_id=turn.user.teams_user_id)
    results = await surveys.results(survey_id, actor_id=turn.user.teams_user_id)
    return cards.survey_results_card(results, reminded=reminded)
