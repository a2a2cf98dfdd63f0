"""``qim``, ``qim pack``: the Quality Improvement Meeting's pack, decisions and service-level actions;
the owners' monthly assurance update."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import qim as cards
from cards import text_qim as text
from cards import verbs
from services.errors import InvalidInput
from views.qim import AssuredKind

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def show_pack(turn: Turn) -> None:
    await turn.send_card(cards.pack_card(await turn.services.qim.pack(turn.user)))


async def post_pack(turn: Turn) -> None:
    """In a channel: the pack is posted there (and future packs too); in a chat, shown privately."""
    if turn.conversation.kind != "channel":
        await show_pack(turn)
        return
    meeting = await turn.services.qim.post_pack_here(turn.user, turn.conversation.conversation_id)
    await turn.send_card(cards.pack_posted_card(meeting))


async def pack(turn: Turn, data: dict[str, Any]) -> ActionResult:
    """The pack as this person may see it now: the refresh verb of the card posted in the QIM channel.

    Teams sends it automatically for the users the card names (the chair and the QA Head of
    Service), and anyone may send it (the "Refresh" menu, or by hand): the chair's buttons come back
    only for someone who holds the role now; every other member gets the members' view."""
    in_channel = turn.conversation.kind == "channel"
    view = await turn.services.qim.pack(turn.user, meeting_id=_id(data, "meeting_id"), in_channel=in_channel)
    return ActionResult(card=cards.pack_card(view))


async def decision_form(turn: Turn, data: dict[str, Any]) -> ActionResult:
    qim = turn.services.qim
    meeting = await qim.meeting_for_change(turn.user, _id(data, "meeting_id"))
    decision = await qim.decision(turn.user, _id(data, "decision_id")) if data.get("decision_id") else None
    return ActionResult(card=cards.decision_form_card(meeting, today=qim.today(), decision=decision))


async def save_decision(turn: Turn, data: dict[str, Any]) -> ActionResult:
    qim = turn.services.qim
    wording, errors = cards.read_decision_form(data)
    meeting_id = _id(data, "meeting_id")
    decision_id = _id(data, "decision_id") if data.get("decision_id") else None
    try:
        if errors:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        if decision_id is None:
            await qim.record_decision(turn.user, meeting_id, wording)
            message = text.DECISION_SAVED
        else:
            _, changed = await qim.change_decision(turn.user, decision_id, wording)
            message = text.DECISION_CHANGED if changed else text.DECISION_UNCHANGED
    except InvalidInput as problem:
        meeting = await qim.meeting_for_change(turn.user, meeting_id)
        decision = await qim.decision(turn.user, decision_id) if decision_id else None
        form = cards.decision_form_card(
            meeting,
            today=qim.today(),
            decision=decision,
            errors=problem.field_errors or {"_": problem.user_message},
            value=wording,
        )
        return ActionResult(card=form)
    meeting, decisions = await qim.decisions(turn.user, meeting_id)
    return ActionResult(card=cards.decisions_card(meeting, decisions, can_change=True, message=message))


async def list_decisions(turn: Turn, data: dict[str, Any]) -> ActionResult:
    qim = turn.services.qim
    meeting, decisions = await qim.decisions(turn.user, _id(data, "meeting_id"))
    can_change = await qim.may_record(turn.user)
    return ActionResult(card=cards.decisions_card(meeting, decisions, can_change=can_change))


async def action_form(turn: Turn, data: dict[str, Any]) -> ActionResult:
    qim = turn.services.qim
    meeting = await qim.meeting_for_change(turn.user, _id(data, "meeting_id"))
    return ActionResult(
        card=cards.action_form_card(meeting, today=qim.today(), priorities=await qim.priority_choices())
    )


async def save_action(turn: Turn, data: dict[str, Any]) -> ActionResult:
    qim = turn.services.qim
    meeting_id = _id(data, "meeting_id")
    request, errors, values = cards.read_action_form(data)
    try:
        if errors:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        action = await qim.raise_action(turn.user, meeting_id, request)
    except InvalidInput as problem:
        meeting = await qim.meeting_for_change(turn.user, meeting_id)
        form = cards.action_form_card(
            meeting,
            today=qim.today(),
            priorities=await qim.priority_choices(),
            errors=problem.field_errors or {"_": problem.user_message},
            values=values,
        )
        return ActionResult(card=form)
    meeting = await qim.meeting_for_change(turn.user, meeting_id)
    return ActionResult(card=cards.action_raised_card(meeting, action))


async def save_update(turn: Turn, data: dict[str, Any]) -> ActionResult:
    """The owner's monthly update; a problem brings the card back with what they typed."""
    assurance = turn.services.assurance
    try:
        kind = AssuredKind(str(data.get("kind")))
    except ValueError:
        raise InvalidInput(text.PROBLEM_STALE) from None
    subject_id, month = _id(data, "subject_id"), str(data.get("month") or "")
    values, errors = cards.read_update_form(data)
    try:
        if errors:
            raise InvalidInput(text.PROBLEM_FIELDS, errors)
        entry = await assurance.record_update(
            turn.user, kind, subject_id, month=month, progress=values["progress"], rag=values["rag"]
        )
    except InvalidInput as problem:
        if not problem.field_errors:
            raise
        request = await assurance.request_for(turn.user, kind, subject_id, month)
        return ActionResult(card=cards.update_card(request, errors=problem.field_errors, values=values))
    return ActionResult(card=cards.update_saved_card(entry))


def register(bot: QopBot) -> None:
    bot.command("qim", show_pack)
    bot.command("qim pack", post_pack)
    bot.action(verbs.QIM_PACK, pack)
    bot.action(verbs.QIM_DECISION_FORM, decision_form)
    bot.action(verbs.QIM_DECISION_SAVE, save_decision)
    bot.action(verbs.QIM_DECISIONS, list_decisions)
    bot.action(verbs.QIM_ACTION_FORM, action_form)
    bot.action(verbs.QIM_ACTION_SAVE, save_action)
    bot.action(verbs.ASSURANCE_SAVE, save_update)


def _id(data: dict[str, Any], name: str) -> int:
    try:
        return int(data.get(name))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(text.PROBLEM_STALE) from None
