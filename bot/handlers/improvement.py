"""``improvement plan``: the continuous improvement plan, and its add, update and history buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import improvement as cards
from cards import text_improvement as text
from cards import verbs
from services.errors import InvalidInput

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def show_plan(turn: Turn) -> None:
    await turn.send_card(cards.plan_card(await turn.services.improvement.plan(turn.user)))


async def list_plan(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=cards.plan_card(await turn.services.improvement.plan(turn.user)))


async def new_priority(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    await turn.services.improvement.require_change(turn.user)
    return ActionResult(card=cards.priority_form_card(None, today=turn.services.improvement.today()))


async def edit_priority(turn: Turn, data: dict[str, Any]) -> ActionResult:
    await turn.services.improvement.require_change(turn.user)
    priority = await turn.services.improvement.priority(turn.user, _priority_id(data))
    return ActionResult(card=cards.priority_form_card(priority, today=turn.services.improvement.today()))


async def save_priority(turn: Turn, data: dict[str, Any]) -> ActionResult:
    improvement = turn.services.improvement
    priority_id = _priority_id(data) if data.get("priority_id") is not None else None
    change, errors = cards.read_priority_form(data)
    try:
        if errors:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        view, message = await improvement.save(turn.user, change, priority_id=priority_id)
    except InvalidInput as problem:
        current = await improvement.priority(turn.user, priority_id) if priority_id is not None else None
        form = cards.priority_form_card(
            current,
            today=improvement.today(),
            errors=problem.field_errors or {"_": problem.user_message},
            values=cards.form_values(data),
        )
        return ActionResult(card=form)
    return ActionResult(card=cards.priority_card(view, message=message, can_change=True))


async def priority_history(turn: Turn, data: dict[str, Any]) -> ActionResult:
    priority, changes = await turn.services.improvement.history(turn.user, _priority_id(data))
    return ActionResult(card=cards.history_card(priority, changes))


def register(bot: QopBot) -> None:
    bot.command("improvement plan", show_plan)
    bot.action(verbs.IMPROVEMENT_LIST, list_plan)
    bot.action(verbs.IMPROVEMENT_NEW, new_priority)
    bot.action(verbs.IMPROVEMENT_EDIT, edit_priority)
    bot.action(verbs.IMPROVEMENT_SAVE, save_priority)
    bot.action(verbs.IMPROVEMENT_HISTORY, priority_history)


def _priority_id(data: dict[str, Any]) -> int:
    try:
        return int(data.get("priority_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(text.PROBLEM_STALE_CARD) from None
