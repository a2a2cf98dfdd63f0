"""``help``: the command list (the catch-all for unknown text lives in the dispatcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.turns import Turn

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def register(bot: QopBot) -> None:
    @bot.command("help", description="Show what I can do")
    async def show_help(turn: Turn) -> None:
        await turn.send_card(bot.help_card(turn))
