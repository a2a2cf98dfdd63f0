"""A file attached in the personal chat: the monthly indicator extract, imported all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.downloads import HttpFileFetcher
from bot.turns import Turn
from cards import measures_upload as cards
from services.errors import DomainError

if TYPE_CHECKING:
    from bot.qop_bot import QopBot


async def receive_extract(turn: Turn) -> None:
    uploads = turn.services.measure_uploads
    try:
        outcome = await uploads.receive(
            turn.user.teams_user_id,
            turn.files,
            conversation_kind=turn.conversation.kind,
            typed=turn.text,
            fetcher=HttpFileFetcher(),
        )
    except DomainError as refusal:
        await turn.send_card(cards.upload_refused_card(refusal.user_message, uploads.guide()))
        return
    await turn.send_card(cards.import_outcome_card(outcome))


def register(bot: QopBot) -> None:
    bot.files(receive_extract)
