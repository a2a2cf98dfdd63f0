"""``clinic [team]``: a team's performance clinic pack, its "Agree an action" form and its workbook
link; ``clinic service``: the senior leadership clinic's service pack and its "Agree an action" form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.commands import normalise
from bot.router import ActionResult
from bot.turns import Turn
from cards import clinic as cards
from cards import text_clinic as text
from cards import verbs
from services.clinic import WorkbookLink
from services.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def _clinic_id(data: dict[str, Any], *, missing: str = text.NO_SUCH_CLINIC) -> int:
    try:
        return int(data["clinic_id"])
    except (KeyError, TypeError, ValueError):
        raise NotFound(missing) from None


def _until(turn: Turn, link: WorkbookLink) -> str:
    """Until when a workbook link works, in the organisation's local time."""
    return f"{link.expires_at.astimezone(ZoneInfo(turn.services.time_zone)):%H:%M}"


def _typed(data: dict[str, Any]) -> dict[str, str]:
    """What was typed on an "Agree an action" form, to show a refused form back with it."""
    return {key: str(value) for key, value in data.items() if key in ("description", "owner_id", "due_date")}


async def clinic(turn: Turn) -> None:
    if normalise(turn.args) == text.SERVICE_ARGUMENT:
        await service_clinic(turn)
        return
    pack = await turn.services.clinics.pack_for(turn.user.teams_user_id, turn.args)
    await turn.send_card(cards.clinic_pack_card(pack, today=turn.services.clinics.today()))


async def service_clinic(turn: Turn) -> None:
    """``clinic service``: the senior leadership clinic's service pack."""
    clinics = turn.services.senior_clinics
    pack = await clinics.pack_for(turn.user.teams_user_id)
    await turn.send_card(cards.service_clinic_pack_card(pack, today=clinics.today()))


async def agree(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics, clinic_id = turn.services.clinics, _clinic_id(data)
    try:
        pack = await clinics.agree_action(turn.user.teams_user_id, clinic_id, data)
    except InvalidInput as problem:
        pack = await clinics.pack(turn.user.teams_user_id, clinic_id)
        errors = problem.field_errors or {"form": problem.user_message}
        return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), errors=errors, values=_typed(data)))
    return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), saved=True))


async def agree_service(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics, clinic_id = turn.services.senior_clinics, _clinic_id(data, missing=text.NO_SUCH_SERVICE_CLINIC)
    try:
        pack = await clinics.agree_action(turn.user.teams_user_id, clinic_id, data)
    except InvalidInput as problem:
        pack = await clinics.pack(turn.user.teams_user_id, clinic_id)
        errors = problem.field_errors or {"form": problem.user_message}
        card = cards.service_clinic_pack_card(pack, today=clinics.today(), errors=errors, values=_typed(data))
        return ActionResult(card)
    return ActionResult(cards.service_clinic_pack_card(pack, today=clinics.today(), saved=True))


async def workbook(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics = turn.services.clinics
    pack, link = await clinics.workbook_link(turn.user.teams_user_id, _clinic_id(data))
    return ActionResult(cards.clinic_pack_card(pack, today=clinics.today(), workbook=(link.url, _until(turn, link))))


async def workbook_service(turn: Turn, data: dict[str, Any]) -> ActionResult:
    clinics = turn.services.senior_clinics
    clinic_id = _clinic_id(data, missing=text.NO_SUCH_SERVICE_CLINIC)
    pack, link = await clinics.workbook_link(turn.user.teams_user_id, clinic_id)
    card = cards.service_clinic_pack_card(pack, today=clinics.today(), workbook=(link.url, _until(turn, link)))
    return ActionResult(card)


def register(bot: QopBot) -> None:
    bot.command("clinic", clinic)
    bot.action(verbs.CLINIC_AGREE, agree)
    bot.action(verbs.CLINIC_WORKBOOK, workbook)
    bot.action(verbs.CLINIC_SERVICE_AGREE, agree_service)
    bot.action(verbs.CLINIC_SERVICE_WORKBOOK, workbook_service)
