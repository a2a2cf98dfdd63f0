"""``qa calendar``, ``record activity`` and the QA calendar's buttons.

"It happened" opens the record card for that occurrence (or shows what was recorded already);
saving it records the date held, attendees, findings and actions. A refused save comes back as
the same card with the problems marked and what was typed kept.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import calendar as cards
from cards import text_calendar as text
from cards import verbs
from cards.calendar import ACTION_SLOTS
from services.errors import InvalidInput
from services.qa_calendar import parse_due_on
from views.calendar import ActionDraft, CalendarRecordView, RecordSubmission

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

RECORD_FIELDS = (
    "held_on",
    "attendees",
    "findings",
    *(f"action{n}_{part}" for n in range(1, ACTION_SLOTS + 1) for part in ("what", "owner", "due")),
)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


async def _actor_id(turn: Turn) -> int:
    return await turn.services.actions.actor_id_for(turn.user.teams_user_id)


async def _calendar_card(turn: Turn) -> dict[str, Any]:
    actor = await _actor_id(turn)
    calendar = turn.services.qa_calendar
    schedules = await calendar.schedule(actor)
    return cards.calendar_card(schedules, learning_events=bool(await calendar.learning_event_choices(actor)))


async def qa_calendar(turn: Turn) -> None:
    await turn.send_card(await _calendar_card(turn))


async def record_activity(turn: Turn) -> None:
    choices = await turn.services.qa_calendar.learning_event_choices(await _actor_id(turn))
    await turn.send_card(cards.learning_event_picker_card(choices))


async def pick_learning_event(turn: Turn, _data: dict[str, Any]) -> ActionResult:
    choices = await turn.services.qa_calendar.learning_event_choices(await _actor_id(turn))
    return ActionResult(card=cards.learning_event_picker_card(choices))


async def open_learning_event(turn: Turn, data: dict[str, Any]) -> ActionResult:
    activity, _, unit = _text(data, "choice").partition("|")
    if not activity or not unit:
        choices = await turn.services.qa_calendar.learning_event_choices(await _actor_id(turn))
        return ActionResult(card=cards.learning_event_picker_card(choices, error=text.ERROR_PICK))
    return await _open(turn, activity, unit, None)


async def open_record(turn: Turn, data: dict[str, Any]) -> ActionResult:
    """'It happened' / 'Record' on a reminder or the calendar card."""
    return await _open(
        turn, _text(data, "activity"), _text(data, "unit") or "service", parse_due_on(data.get("due_on"))
    )


async def _open(turn: Turn, activity: str, unit: str, due_on: date | None) -> ActionResult:
    shown = await turn.services.qa_calendar.open_record(activity, unit, due_on, person_id=await _actor_id(turn))
    if isinstance(shown, CalendarRecordView):
        return ActionResult(card=cards.recorded_card(shown))
    return ActionResult(card=cards.record_card(shown))


async def save_record(turn: Turn, data: dict[str, Any]) -> ActionResult:
    activity, unit = _text(data, "activity"), _text(data, "unit") or "service"
    due_on = parse_due_on(data.get("due_on"))
    actor = await _actor_id(turn)
    submission = RecordSubmission(
        held_on=_text(data, "held_on"),
        attendee_ids=_text(data, "attendees"),
        findings=_text(data, "findings"),
        actions=tuple(
            ActionDraft(_text(data, f"action{n}_what"), _text(data, f"action{n}_owner"), _text(data, f"action{n}_due"))
            for n in range(1, ACTION_SLOTS + 1)
        ),
    )
    calendar = turn.services.qa_calendar
    try:
        record = await calendar.record(activity, unit, due_on, submission, person_id=actor)
    except InvalidInput as problem:
        if not problem.field_errors:
            raise
        shown = await calendar.open_record(activity, unit, due_on, person_id=actor)
        if isinstance(shown, CalendarRecordView):
            return ActionResult(card=cards.recorded_card(shown))
        values = {key: _text(data, key) for key in RECORD_FIELDS if _text(data, key)}
        return ActionResult(card=cards.record_card(shown, errors=problem.field_errors, values=values))
    return ActionResult(card=cards.recorded_card(record))


def register(bot: QopBot) -> None:
    bot.command("qa calendar", qa_calendar)
    bot.command("record activity", record_activity)
    bot.action(verbs.CALENDAR_HELD, open_record)
    bot.action(verbs.CALENDAR_RECORD, save_record)
    bot.action(verbs.CALENDAR_PICK, pick_learning_event)
    bot.action(verbs.CALENDAR_OPEN_EVENT, open_learning_event)
