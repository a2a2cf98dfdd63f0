"""The moderation group in Teams: the QA lead's schedule card, each member's meeting card, the
read-only audits, recording outcomes and closing the meeting.

Each handler parses the card data, makes one service call and picks the card for the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import moderation_group as cards
from cards import text_moderation_group as text
from cards import verbs
from services.errors import InvalidInput
from views.moderation_group import CloseForm, OutcomeForm, ScheduleForm

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


MAX_ID = 2**31 - 1
"""The largest id a database integer holds: anything beyond names no record."""


def _id(data: dict[str, Any], key: str, refusal: str) -> int:
    """A record id from the card's data; a missing, malformed or impossible one is a refusal card."""
    try:
        value = int(data[key])
    except (KeyError, TypeError, ValueError, OverflowError):
        raise InvalidInput(refusal) from None
    if not 0 < value <= MAX_ID:
        raise InvalidInput(refusal)
    return value


def _meeting_id(data: dict[str, Any]) -> int:
    return _id(data, "meeting_id", text.NO_SUCH_MEETING)


def _assignment_id(data: dict[str, Any]) -> int:
    return _id(data, "assignment_id", text.NOT_ON_THE_LIST)


async def list_meetings(turn: Turn) -> None:
    await turn.send_card(cards.meetings_card(await turn.services.moderation_group.meetings(turn.user.teams_user_id)))


async def new_meeting(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    return ActionResult(cards.schedule_card(await turn.services.moderation_group.new_form(turn.user.teams_user_id)))


async def schedule(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.moderation_group.schedule(turn.user.teams_user_id, data)
    if isinstance(result, ScheduleForm):
        return ActionResult(cards.schedule_card(result))
    return ActionResult(cards.scheduled_card(result))


async def open_meeting(turn: Turn, data: dict[str, Any]) -> ActionResult:
    view = await turn.services.moderation_group.meeting(turn.user.teams_user_id, _meeting_id(data))
    return ActionResult(cards.meeting_card(view))


async def read_audit(turn: Turn, data: dict[str, Any]) -> ActionResult:
    meeting_id = _meeting_id(data)
    audit = await turn.services.moderation_group.read_audit(turn.user.teams_user_id, meeting_id, _assignment_id(data))
    return ActionResult(cards.group_audit_card(audit, meeting_id))


async def open_outcome(turn: Turn, data: dict[str, Any]) -> ActionResult:
    group = turn.services.moderation_group
    result = await group.open_outcome(turn.user.teams_user_id, _meeting_id(data), _assignment_id(data))
    return ActionResult(
        cards.outcome_form_card(result) if isinstance(result, OutcomeForm) else cards.meeting_card(result)
    )


async def record_outcome(turn: Turn, data: dict[str, Any]) -> ActionResult:
    group = turn.services.moderation_group
    result = await group.record_outcome(turn.user.teams_user_id, _meeting_id(data), _assignment_id(data), data)
    return ActionResult(
        cards.outcome_form_card(result) if isinstance(result, OutcomeForm) else cards.meeting_card(result)
    )


async def open_close(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.moderation_group.open_close(turn.user.teams_user_id, _meeting_id(data))
    return ActionResult(cards.close_form_card(result) if isinstance(result, CloseForm) else cards.meeting_card(result))


async def close(turn: Turn, data: dict[str, Any]) -> ActionResult:
    result = await turn.services.moderation_group.close(turn.user.teams_user_id, _meeting_id(data), data)
    return ActionResult(cards.close_form_card(result) if isinstance(result, CloseForm) else cards.meeting_card(result))


def register(bot: QopBot) -> None:
    bot.command("moderation group", list_meetings)
    bot.action(verbs.MODERATION_GROUP_NEW, new_meeting)
    bot.action(verbs.MODERATION_GROUP_SCHEDULE, schedule)
    bot.action(verbs.MODERATION_GROUP_OPEN, open_meeting)
    bot.action(verbs.MODERATION_GROUP_READ, read_audit)
    bot.action(verbs.MODERATION_GROUP_OUTCOME_OPEN, open_outcome)
    bot.action(verbs.MODERATION_GROUP_OUTCOME, record_outcome)
    bot.action(verbs.MODERATION_GROUP_CLOSE_OPEN, open_close)
    bot.action(verbs.MODERATION_GROUP_CLOSE, close)
