"""Install, uninstall and membership events: remember where qop lives and say hello."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from microsoft_agents.activity import ActivityTypes

from bot.turns import Turn
from cards import common
from services.teams_data import TeamsUser

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

logger = logging.getLogger(__name__)


async def on_installation_update(turn: Turn) -> None:
    conversations = turn.services.conversations
    if (turn.context.activity.action or "").startswith("remove"):
        await conversations.record_uninstalled(turn.conversation.conversation_id)
        return
    await conversations.record_installed(turn.conversation, turn.user)
    await turn.send_card(_welcome_for(turn.conversation.kind, turn.user.name, turn.conversation.name))
    if turn.config.local_mode and turn.conversation.kind == "channel":
        # The playground's demo: the channel the demo data subscribed gets its digest now,
        # through the delivery engine like every Monday's (not as a reply to this event).
        await turn.services.digests.demo_channel_installed(turn.conversation.conversation_id)


async def on_conversation_update(turn: Turn) -> None:
    activity = turn.context.activity
    conversations = turn.services.conversations
    bot_id = activity.recipient.id if activity.recipient else None
    added = activity.members_added or []
    removed = activity.members_removed or []
    if any(member.id == bot_id for member in removed):
        await conversations.record_uninstalled(turn.conversation.conversation_id)
        return
    if any(member.id == bot_id for member in added):
        # Teams sends installationUpdate too; only one of the two should greet.
        conversation = await conversations.record_installed(turn.conversation, turn.user)
        logger.info("installed in %s conversation %s", conversation.kind, conversation.id)
    for member in added:
        if member.id != bot_id:
            person = TeamsUser(
                teams_user_id=member.id,
                name=member.name or "",
                aad_object_id=getattr(member, "aad_object_id", None),
            )
            await conversations.record_member(person)


def register(bot: QopBot) -> None:
    bot.activity(ActivityTypes.installation_update, on_installation_update)
    bot.activity(ActivityTypes.conversation_update, on_conversation_update)


def _welcome_for(kind: str, user_name: str, conversation_name: str | None) -> dict:
    if kind == "personal":
        return common.welcome_personal(user_name or None)
    return common.welcome_channel(conversation_name)
