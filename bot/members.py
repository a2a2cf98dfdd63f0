"""Asking Teams for a member's profile (the e-mail that messages do not carry)."""

from __future__ import annotations

import logging

from microsoft_agents.hosting.core import ChannelServiceAdapter, TurnContext

from bot.turns import _email_of

logger = logging.getLogger(__name__)


async def fetch_member_email(context: TurnContext, conversation_id: str, teams_user_id: str) -> str | None:
    """The member's e-mail or UPN from the Bot Connector, or None if Teams does not say."""
    client = context.turn_state.get(ChannelServiceAdapter._AGENT_CONNECTOR_CLIENT_KEY)
    if client is None or not conversation_id or not teams_user_id:
        return None
    try:
        member = await client.conversations.get_conversation_member(conversation_id, teams_user_id)
    except Exception as error:  # a missing profile only means we match by AAD id alone
        logger.info("no member profile from Teams: %s", type(error).__name__)
        return None
    return _email_of(member)
