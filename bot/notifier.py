"""Cards to a person's personal chat, proactively, through their stored conversation reference.

Interim: the delivery engine (issue 3) becomes the one way to send; until it is wired, the audit
feature sends directly here. A person qop has never met in a personal chat is skipped (their
work still waits for them under 'my tasks'), and a failed send is logged, never raised: the
record that caused it is already stored.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import ConversationReference
from microsoft_agents.hosting.core import TurnContext

from bot.turns import card_activity
from storage.repositories import conversations as conversation_repo

if TYPE_CHECKING:
    from bot.qop_bot import QopBot

logger = logging.getLogger(__name__)
SEPARATOR = "\n"


class ProactiveNotifier:
    def __init__(self, bot: QopBot) -> None:
        self._bot = bot
        self._sent: dict[str, str] = {}

    async def send_card(self, person_id: int, card: dict[str, Any], *, key: str) -> str | None:
        if key in self._sent:
            return self._sent[key]
        async with self._bot.services.sessions() as session:
            chat = await conversation_repo.personal_chat_for(session, person_id)
        if chat is None:
            logger.info("no personal chat for person %s; %s waits in their tasks", person_id, key)
            return None
        message_ids: list[str] = []

        async def send(context: TurnContext) -> None:
            response = await context.send_activity(card_activity(card))
            message_ids.append(response.id if response and response.id else "")

        if not await self._continue(chat.reference, send, key):
            return None
        reference = chat.conversation_id + SEPARATOR + (message_ids[0] if message_ids else "")
        self._sent[key] = reference
        return reference

    async def update_card(self, reference: str, card: dict[str, Any]) -> None:
        conversation_id, _, message_id = reference.partition(SEPARATOR)
        if not message_id:
            return
        async with self._bot.services.sessions() as session:
            chat = await conversation_repo.get(session, conversation_id)
        if chat is None:
            return

        async def update(context: TurnContext) -> None:
            activity = card_activity(card)
            activity.id = message_id
            await context.update_activity(activity)

        await self._continue(chat.reference, update, "update " + message_id)

    async def _continue(self, reference: dict[str, Any], callback: Any, what: str) -> bool:
        try:
            continuation = ConversationReference.model_validate(reference).get_continuation_activity()
            await self._bot.adapter.continue_conversation(self._bot.settings.microsoft_app_id, continuation, callback)
        except Exception:  # the stored work stands; a lost notification is logged for follow-up
            logger.exception("proactive send failed (%s)", what)
            return False
        return True
