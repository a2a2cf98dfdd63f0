"""``help``: the commands usable here, most needed first (the dispatcher also answers unknown
text and unknown buttons with this card)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import help_card
from bot.turns import Turn

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def show_help(turn: Turn) -> None:
    await turn.send_card(help_card(turn.conversation.kind, local_mode=turn.config.local_mode))


def register(bot: QopBot) -> None:
    bot.command("help", show_help)
