"""Handler modules. Each exposes ``register(bot)`` wiring its module-level handlers;
``register_all`` wires them all and checks every declared command got a handler."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


def register_all(bot: QopBot) -> None:
    from bot.handlers import (
        actions,
        audit_family,
        audit_partners,
        audits,
        calendar,
        clinic,
        delivery,
        digest,
        feedback,
        help,
        improvement,
        learning,
        lifecycle,
        measures_upload,
        moderation_group,
        observations,
        organisation,
        practice_days,
        qim,
        surveys,
    )

    modules = (
        lifecycle,
        help,
        actions,
        calendar,
        clinic,
        organisation,
        feedback,
        surveys,
        delivery,
        audits,
        audit_family,
        audit_partners,
        digest,
        improvement,
        learning,
        observations,
        practice_days,
        qim,
        moderation_group,
        measures_upload,
    )
    for module in modules:
        module.register(bot)
    unrouted = bot.commands.unrouted()
    if unrouted:
        raise RuntimeError(f"commands declared in bot/commands.py without a handler: {', '.join(unrouted)}")
