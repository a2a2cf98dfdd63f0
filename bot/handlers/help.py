"""``help``: the commands usable here, most needed first (the dispatcher also answers unknown
text and unknown buttons with this card)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.commands import help_entries, scope_of
from bot.turns import Turn
from cards import common

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def help_card(turn: Turn, *, not_understood: str | None = None) -> dict[str, Any]:
    """The help card for the conversation ``turn`` came from; ``not_understood`` echoes what puzzled us."""
    entries = help_entries(scope_of(turn.conversation.kind), local_mode=turn.config.local_mode)
    return common.help_card(entries, not_understood=not_understood)


async def show_help(turn: Turn) -> None:
    await turn.send_card(help_card(turn))


def register(bot: QopBot) -> None:
    bot.command("help", show_help)
