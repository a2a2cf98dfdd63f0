"""What a handler gets: the turn's plain facts plus a few ways to answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.config import BotConfig
from services.container import Services
from services.measures.uploads import UploadedFile
from services.teams_data import ConversationInfo, TeamsUser

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
"""A file a person attached in a personal chat (the app's manifest says ``supportsFiles``)."""
THREAD_SUFFIX = ";messageid="


class SentCard(dict[str, Any]):
    """A card's JSON as it goes out: built for this one send and never changed after, so the
    deep copy the SDK makes of every activity it sends (``TurnContext.send_activities``) may
    share it instead of walking its several hundred objects again. Safe because ``cards/``
    builds a fresh card for every answer and nothing changes one once it is handed to a send."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SentCard:
        return self


def card_attachment(card: dict[str, Any]) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD, content=SentCard(card))


def card_activity(card: dict[str, Any]) -> Activity:
    return Activity(type=ActivityTypes.message, attachments=[card_attachment(card)])


def user_from(context: TurnContext) -> TeamsUser:
    sender = context.activity.from_property
    return TeamsUser(
        teams_user_id=sender.id if sender else "",
        name=(sender.name or "") if sender else "",
        aad_object_id=getattr(sender, "aad_object_id", None) if sender else None,
        email=_email_of(sender),
    )


def _email_of(sender: Any) -> str | None:
    # Teams puts the e-mail in different places depending on the client and event.
    for key in ("email", "user_principal_name", "userPrincipalName"):
        value = getattr(sender, key, None)
        if isinstance(value, str) and "@" in value:
            return value
    extra = getattr(sender, "model_extra", None) or {}
    for key in ("email", "userPrincipalName"):
        value = extra.get(key)
        if isinstance(value, str) and "@" in value:
            return value
    return None


def files_from(context: TurnContext) -> list[UploadedFile]:
    """The files attached to the message, as Teams describes them (name, type, download link)."""
    files = []
    for attachment in context.activity.attachments or []:
        if attachment.content_type != FILE_DOWNLOAD_INFO:
            continue
        content = _plain(attachment.content)
        files.append(
            UploadedFile(
                name=str(attachment.name or ""),
                download_url=str(content.get("downloadUrl") or ""),
                file_type=str(content.get("fileType") or ""),
            )
        )
    return files


def conversation_from(context: TurnContext) -> ConversationInfo:
    activity = context.activity
    conversation = activity.conversation
    channel_data = _plain(activity.channel_data)
    team = channel_data.get("team") or {}
    tenant = channel_data.get("tenant") or {}
    kind = conversation.conversation_type or "personal"
    reference = activity.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
    conversation_id = conversation.id
    if kind == "channel":
        # A post in a channel thread arrives as "<channel>;messageid=<root post>". Remember
        # the channel itself: one record per channel, and proactive posts start new threads.
        conversation_id = conversation_id.split(THREAD_SUFFIX, 1)[0]
        reference["conversation"]["id"] = conversation_id
    return ConversationInfo(
        conversation_id=conversation_id,
        kind=kind,
        service_url=activity.service_url or "",
        bot_id=activity.recipient.id if activity.recipient else "",
        tenant_id=tenant.get("id") or conversation.tenant_id,
        teams_team_id=team.get("id"),
        name=(channel_data.get("channel") or {}).get("name") or team.get("name") or conversation.name,
        reference=reference,
    )


def _plain(channel_data: Any) -> dict[str, Any]:
    """Channel data as a dict, whether the SDK kept the JSON object or parsed it into a model."""
    if isinstance(channel_data, dict):
        return channel_data
    if hasattr(channel_data, "model_dump"):
        return channel_data.model_dump(by_alias=True, exclude_none=True)
    return {}


@dataclass
class Turn:
    """One incoming activity, already parsed, with the services to act on it."""

    context: TurnContext
    services: Services
    config: BotConfig
    user: TeamsUser
    conversation: ConversationInfo
    text: str = ""
    args: str = ""
    files: list[UploadedFile] = field(default_factory=list)
    """Files attached to a message (``file.download.info``)."""

    async def send_card(self, card: dict[str, Any]) -> str | None:
        """Reply with a card; returns the new message id (to update it later)."""
        response = await self.context.send_activity(card_activity(card))
        return response.id if response else None

    async def send_text(self, message: str) -> None:
        await self.context.send_activity(message)

    async def update_card(self, message_id: str, card: dict[str, Any]) -> None:
        activity = card_activity(card)
        activity.id = message_id
        await self.context.update_activity(activity)


async def send_invoke_response(context: TurnContext, status: int, body: dict[str, Any] | None) -> None:
    """Answer an invoke in its HTTP response.

    Stored where the SDK's own ``send_activity`` would store it (``ChannelServiceAdapter``
    keeps an invoke response in the turn state for the HTTP answer; nothing is sent), without
    the deep copy ``send_activity`` makes of every activity first: for a whole audit page that
    copy walks some 800 objects on every card action."""
    response = Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body))
    context.turn_state[context.adapter.INVOKE_RESPONSE_KEY] = response
    context.responded = True
