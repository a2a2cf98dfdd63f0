"""``my actions``, ``team actions``, ``new action`` and every button on an action card.

A rejected submission (a blank answer, a date in the past) comes back as the same card with
the problem marked and what was typed still in place, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import actions as cards
from cards import text_actions as text
from cards import verbs
from services.actions import ActionCardData, NewAction, parse_date
from services.errors import InvalidInput
from services.qa_calendar import parse_due_on
from views.actions import ActionView

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

TEXT_FIELDS = (
    "evidence",
    "new_date",
    "reason",
    "progress",
    "new_owner_id",
    "reassign_reason",
    "cancel_reason",
    "impact",
    "more_note",
)
Reshow = Callable[[ActionCardData, dict[str, str], dict[str, str]], dict[str, Any]]


def _action_id(data: dict[str, Any]) -> int:
    try:
        return int(data.get("action_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(text.CARD_OUT_OF_DATE) from None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


async def _actor_id(turn: Turn) -> int:
    """The qop person id of whoever is acting in this turn."""
    return await turn.services.actions.actor_id_for(turn.user.teams_user_id)


# -- commands and lists ------------------------------------------------------------------------


async def my_actions(turn: Turn) -> None:
    views = await turn.services.actions.my_actions(await _actor_id(turn))
    await turn.send_card(cards.my_actions_card(views))


async def team_actions(turn: Turn) -> None:
    views = await turn.services.actions.team_actions(await _actor_id(turn))
    await turn.send_card(cards.team_actions_card(views))


async def new_action(turn: Turn) -> None:
    owners = await turn.services.actions.owner_choices(await _actor_id(turn))
    await turn.send_card(cards.new_action_card(owners, today=turn.services.actions.today()))


async def qa_calendar(turn: Turn) -> None:
    rows = await turn.services.qa_calendar.schedule(await _actor_id(turn))
    await turn.send_card(cards.calendar_card(rows))


async def list_mine(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=cards.my_actions_card(await turn.services.actions.my_actions(await _actor_id(turn))))


async def list_team(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    return ActionResult(card=cards.team_actions_card(await turn.services.actions.team_actions(await _actor_id(turn))))


async def open_action(turn: Turn, data: dict[str, Any]) -> ActionResult:
    shown = await turn.services.actions.open_for(_action_id(data), actor_id=await _actor_id(turn))
    return ActionResult(card=_interactive(shown))


async def calendar_held(turn: Turn, data: dict[str, Any]) -> ActionResult:
    calendar = turn.services.qa_calendar
    occurrence = await calendar.record_held(
        _text(data, "activity"), parse_due_on(data.get("due_on")), person_id=await _actor_id(turn)
    )
    return ActionResult(card=cards.calendar_recorded_card(occurrence))


# -- the owner's changes on an action card ---------------------------------------------------


async def mark_done(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _done)


async def propose_date(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _propose)


async def record_progress(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _progress)


async def record_impact(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _impact, reshow=_impact_again)


async def create(turn: Turn, data: dict[str, Any]) -> ActionResult:
    actor_id = await _actor_id(turn)
    try:
        new = NewAction(
            source=_text(data, "source") or "manual",
            description=_text(data, "description"),
            owner_id=_int_field(data, "owner_id"),
            due_date=_date_field(data, "due_date"),
            case_reference=_text(data, "case_reference") or None,
        )
        view = await turn.services.actions.create(new, actor_id=actor_id)
    except InvalidInput as problem:
        owners = await turn.services.actions.owner_choices(actor_id)
        values = {k: _text(data, k) for k in ("description", "owner_id", "due_date", "source", "case_reference")}
        errors = problem.field_errors or {"_": problem.user_message}
        return ActionResult(
            card=cards.new_action_card(owners, today=turn.services.actions.today(), errors=errors, values=values)
        )
    return ActionResult(card=cards.outcome_card(view, "created"))


# -- the manager's decisions -------------------------------------------------------------------


async def reassign(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _reassign)


async def cancel(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _cancel)


async def ask_for_more_impact(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _change_on_card(turn, data, _ask_more, reshow=_review_again)


async def decide_date(turn: Turn, data: dict[str, Any]) -> ActionResult:
    approve = data.get("approve") in (True, "true", "True", 1)
    proposal_id = _int_field(data, "proposal_id")
    view = await turn.services.actions.decide_due_date(
        proposal_id, actor_id=await _actor_id(turn), approve=approve, note=_text(data, "decision_note")
    )
    return ActionResult(card=cards.outcome_card(view, "approved" if approve else "declined"))


def register(bot: QopBot) -> None:
    bot.command("my actions", my_actions)
    bot.command("team actions", team_actions)
    bot.command("new action", new_action)
    bot.command("qa calendar", qa_calendar)
    bot.action(verbs.ACTIONS_MINE, list_mine)
    bot.action(verbs.ACTIONS_TEAM, list_team)
    bot.action(verbs.ACTION_OPEN, open_action)
    bot.action(verbs.CALENDAR_HELD, calendar_held)
    bot.action(verbs.ACTION_DONE, mark_done)
    bot.action(verbs.ACTION_PROPOSE_DATE, propose_date)
    bot.action(verbs.ACTION_PROGRESS, record_progress)
    bot.action(verbs.ACTION_IMPACT, record_impact)
    bot.action(verbs.ACTION_CREATE, create)
    bot.action(verbs.ACTION_REASSIGN, reassign)
    bot.action(verbs.ACTION_CANCEL, cancel)
    bot.action(verbs.ACTION_ASK_MORE, ask_for_more_impact)
    bot.action(verbs.ACTION_DECIDE_DATE, decide_date)


# -- one change from a card, and the card again when it is refused -----------------------------

Change = Callable[[Turn, int, int, dict[str, Any]], Awaitable[tuple[ActionView, str]]]
"""(turn, action_id, actor_id, card data) -> the action after the change, and the outcome's name."""


async def _change_on_card(
    turn: Turn, data: dict[str, Any], change: Change, *, reshow: Reshow | None = None
) -> ActionResult:
    """Run a change from an action card; answer with the read-only outcome, or the card again with the problem."""
    action_id, actor_id = _action_id(data), await _actor_id(turn)
    try:
        view, outcome = await change(turn, action_id, actor_id, data)
    except InvalidInput as problem:
        shown = await turn.services.actions.open_for(action_id, actor_id=actor_id)
        values = {key: _text(data, key) for key in TEXT_FIELDS if _text(data, key)}
        return ActionResult(
            card=(reshow or _interactive)(shown, problem.field_errors or {"_": problem.user_message}, values)
        )
    return ActionResult(card=cards.outcome_card(view, outcome))


async def _done(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    evidence = _text(data, "evidence")
    return await turn.services.actions.mark_done(action_id, actor_id=actor_id, evidence=evidence), "done"


async def _propose(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    new_date = _date_field(data, "new_date")
    actions = turn.services.actions
    change = await actions.propose_due_date(
        action_id, actor_id=actor_id, new_date=new_date, reason=_text(data, "reason")
    )
    view = (await actions.open_for(action_id, actor_id=actor_id)).view
    return view, "proposed" if change.decision == "pending" else "changed"


async def _progress(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    note = _text(data, "progress")
    return await turn.services.actions.record_progress(action_id, actor_id=actor_id, note=note), "progress"


async def _impact(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    answer = _text(data, "impact")
    return await turn.services.actions.record_impact(action_id, actor_id=actor_id, answer=answer), "impact"


async def _reassign(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    new_owner = _int_field(data, "new_owner_id")
    reason = _text(data, "reassign_reason")
    view = await turn.services.actions.reassign(action_id, actor_id=actor_id, new_owner_id=new_owner, reason=reason)
    return view, "reassigned"


async def _cancel(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    reason = _text(data, "cancel_reason")
    return await turn.services.actions.cancel(action_id, actor_id=actor_id, reason=reason), "cancelled"


async def _ask_more(turn: Turn, action_id: int, actor_id: int, data: dict[str, Any]) -> tuple[ActionView, str]:
    note = _text(data, "more_note")
    return await turn.services.actions.ask_for_more_impact(action_id, actor_id=actor_id, note=note), "more_asked"


def _interactive(
    shown: ActionCardData, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> dict[str, Any]:
    return cards.action_card(
        shown.view,
        today=shown.today,
        deciding=shown.deciding,
        colleagues=shown.colleagues,
        errors=errors,
        values=values,
        working=shown.working,
    )


def _impact_again(shown: ActionCardData, errors: dict[str, str], values: dict[str, str]) -> dict[str, Any]:
    view = shown.view
    return cards.impact_card(view, more_note=view.impact_more_asked_note, errors=errors, values=values)


def _review_again(shown: ActionCardData, _errors: dict[str, str], _values: dict[str, str]) -> dict[str, Any]:
    return cards.impact_review_card(shown.view)


def _int_field(data: dict[str, Any], key: str) -> int:
    try:
        return int(data.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(text.CHOOSE_SOMEONE, {key: text.CHOOSE_SOMEONE}) from None


def _date_field(data: dict[str, Any], key: str) -> date:
    value = _text(data, key)
    if not value:
        raise InvalidInput(text.CHOOSE_DATE, {key: text.CHOOSE_DATE})
    return parse_date(value)
