"""Handler modules. Each exposes ``register(bot)``; ``register_all`` wires them in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def register_all(bot: QopBot) -> None:
    from bot.handlers import actions, audits, delivery, digest, feedback, help, lifecycle, organisation, surveys

    for module in (lifecycle, help, actions, organisation, feedback, surveys, delivery, audits, digest):
        module.register(bot)
