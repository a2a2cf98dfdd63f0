"""The broadcast progress card's buttons: cancel, resend to failed, refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import text_delivery as text
from cards import verbs
from services.errors import InvalidInput, NotAllowed

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def cancel(turn: Turn, data: dict[str, Any]) -> ActionResult:
    progress = await turn.services.delivery.cancel_broadcast(_broadcast_id(data), actor_id=await _actor_id(turn))
    return ActionResult(card=progress.card())


async def resend_failed(turn: Turn, data: dict[str, Any]) -> ActionResult:
    progress = await turn.services.delivery.resend_failed(_broadcast_id(data), actor_id=await _actor_id(turn))
    return ActionResult(card=progress.card())


async def refresh(turn: Turn, data: dict[str, Any]) -> ActionResult:
    progress = await turn.services.delivery.progress(_broadcast_id(data))
    if progress.sender_person_id != await _actor_id(turn):
        raise NotAllowed(text.NOT_YOUR_BROADCAST_TO_FOLLOW)
    return ActionResult(card=progress.card())


def register(bot: QopBot) -> None:
    bot.action(verbs.DELIVERY_CANCEL, cancel)
    bot.action(verbs.DELIVERY_RESEND_FAILED, resend_failed)
    bot.action(verbs.DELIVERY_REFRESH, refresh)


def _broadcast_id(data: dict[str, Any]) -> int:
    try:
        return int(data["broadcast_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(text.CARD_WITHOUT_BROADCAST) from None


async def _actor_id(turn: Turn) -> int:
    """The qop person id of whoever pressed the button; only a known person may steer a broadcast."""
    person = await turn.services.conversations.person_for(turn.user)
    if person is None:
        raise NotAllowed(text.NOT_YOUR_BROADCAST)
    return person.id
