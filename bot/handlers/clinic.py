"""``clinic [team]``: a team's performance clinic pack, its "Agree an action" form and its workbook link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.router import ActionResult
from bot.turns import Turn
from cards import clinic as cards
from cards import text_clinic as text
from cards import verbs
from services.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _clinic_id(data: dict[str, Any]) -> int:
    try:
        return int(data["clinic_id"])
    except (KeyError, TypeError, ValueError):
        raise NotFound(text.NO_SUCH_CLINIC) from None


async def clinic(turn: Turn) -> None:
    pack = await turn.services.clinics.pack_for(turn.user.teams_user_id, turn.args)
    await turn.send_card(cards.clinic_pack_card(pack, today=turn.services.clinics.today()))


async def agree(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics, clinic_id = turn.services.clinics, _clinic_id(data)
    try:
        pack = await clinics.agree_action(turn.user.teams_user_id, clinic_id, data)
    except InvalidInput as problem:
        pack = await clinics.pack(turn.user.teams_user_id, clinic_id)
        typed = {key: str(value) for key, value in data.items() if key in ("description", "owner_id", "due_date")}
        errors = problem.field_errors or {"form": problem.user_message}
        return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), errors=errors, values=typed))
    return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), saved=True))


async def workbook(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics = turn.services.clinics
    pack, link = await clinics.workbook_link(turn.user.teams_user_id, _clinic_id(data))
    until = f"{link.expires_at.astimezone(ZoneInfo(turn.services.time_zone)):%H:%M}"
    return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), workbook=(link.url, until)))


def register(bot: QopBot) -> None:
    bot.command("clinic", clinic)
    bot.action(verbs.CLINIC_AGREE, agree)
    bot.action(verbs.CLINIC_WORKBOOK, workbook)
