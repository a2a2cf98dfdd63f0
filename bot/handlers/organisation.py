"""``whoami``, ``link`` (channels), ``admin roles`` and the local-only ``demo role``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.router import ActionResult
from bot.turns import Turn
from cards import organisation as cards
from cards import verbs
from services.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

logger = logging.getLogger(__name__)

ROLE_INPUTS = ("email", "role", "area", "team")


def _inputs(data: dict[str, Any]) -> dict[str, str]:
    return {key: data[key].strip() for key in ROLE_INPUTS if isinstance(data.get(key), str) and data[key].strip()}


async def assign_waiting_moderation(turn: Turn) -> None:
    """A new moderator (or QA lead) may be the first who can moderate an audit that waits with
    nobody assigned: give it to them now rather than at the next reminder pass. The role change
    is already stored, so a failure here is logged, not shown; the reminder pass tries again."""
    try:
        await turn.services.audits.assign_waiting_moderation()
    except Exception:
        logger.exception("audits waiting for a moderator were not assigned after a role change")


async def whoami(turn: Turn) -> None:
    await turn.send_card(cards.whoami_card(await turn.services.organisation.whoami(turn.user)))


async def link(turn: Turn) -> None:
    organisation = turn.services.organisation
    if not turn.args:
        await turn.send_card(cards.channel_link_card(await organisation.channel_link(turn.conversation)))
        return
    linked = await organisation.link_channel(actor=turn.user, conversation=turn.conversation, target=turn.args)
    await turn.send_card(cards.channel_link_card(linked, just_linked=True))


async def admin_roles(turn: Turn) -> None:
    view = await turn.services.organisation.admin_roles(turn.user, turn.args or None)
    await turn.send_card(cards.admin_roles_card(areas=view.areas, teams=view.teams, person=view.person))


async def lookup(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _role_card(turn, data, add=None)


async def add_role(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _role_card(turn, data, add=True)


async def remove_role(turn: Turn, data: dict[str, Any]) -> ActionResult:
    return await _role_card(turn, data, add=False)


async def demo_role(turn: Turn) -> None:
    role, person = await turn.services.demo.switch_role(turn.user, turn.args)
    await turn.send_card(cards.demo_role_card(role, person))


def register(bot: QopBot) -> None:
    bot.command("whoami", whoami)
    bot.command("link", link)
    bot.command("admin roles", admin_roles)
    bot.command("demo role", demo_role)
    bot.action(verbs.ORG_ROLE_LOOKUP, lookup)
    bot.action(verbs.ORG_ROLE_ADD, add_role)
    bot.action(verbs.ORG_ROLE_REMOVE, remove_role)


async def _role_card(turn: Turn, data: dict[str, Any], *, add: bool | None) -> ActionResult:
    """Look someone up (``add=None``) or change a role; input problems come back on the same card."""
    values = _inputs(data)
    organisation = turn.services.organisation
    try:
        if add is None:
            view = await organisation.admin_roles(turn.user, values.get("email", ""))
            person, message = view.person, None
        else:
            change = await organisation.change_role(
                actor=turn.user,
                email=values.get("email", ""),
                role=values.get("role", ""),
                add=add,
                area=values.get("area"),
                team=values.get("team"),
            )
            person, message = change.person, change.message
            if add and change.changed:
                await assign_waiting_moderation(turn)
    except (InvalidInput, NotFound) as problem:
        person, message = None, problem.user_message
    view = await organisation.admin_roles(turn.user)
    return ActionResult(
        card=cards.admin_roles_card(areas=view.areas, teams=view.teams, person=person, message=message, values=values)
    )
