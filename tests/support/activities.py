"""Realistic Teams activities, shaped like the ones Teams (and the playground) send."""

from __future__ import annotations

import uuid
from typing import Any

TENANT_ID = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = "28:qop-test-bot"
BOT_NAME = "qop"


def user(number: int = 1, *, name: str | None = None, email: str | None = None) -> dict[str, Any]:
    return {
        "id": f"29:user-{number}",
        "name": name or f"Test User {number}",
        "aadObjectId": f"00000000-0000-4000-8000-{number:012d}",
        **({"email": email} if email else {}),
    }


def personal_chat(number: int = 1) -> dict[str, Any]:
    return {"id": f"a:personal-{number}", "conversationType": "personal", "tenantId": TENANT_ID}


def channel(name: str = "General", team: str = "19:team-1@thread.tacv2") -> dict[str, Any]:
    return {
        "id": f"{team};messageid=1" if name == "General" else f"19:{name.lower()}@thread.tacv2",
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": TENANT_ID,
        "name": name,
    }


def _base(kind: str, service_url: str, conversation: dict[str, Any], sender: dict[str, Any]) -> dict[str, Any]:
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT_ID}}
    if conversation.get("conversationType") == "channel":
        channel_data["team"] = {"id": "19:team-1@thread.tacv2", "name": "Riverside Locality Team"}
        channel_data["channel"] = {"id": conversation["id"], "name": conversation.get("name")}
    return {
        "type": kind,
        "id": str(uuid.uuid4()),
        "timestamp": "2026-01-12T09:30:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender,
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "channelData": channel_data,
        "locale": "en-GB",
    }


def message(service_url: str, text: str, *, conversation: dict[str, Any] | None = None, sender=None) -> dict:  # type: ignore[no-untyped-def]
    conversation = conversation or personal_chat()
    activity = _base("message", service_url, conversation, sender or user())
    if conversation.get("conversationType") == "channel":
        mention = f"<at>{BOT_NAME}</at>"
        activity["text"] = f"{mention} {text}"
        activity["entities"] = [{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}]
    else:
        activity["text"] = text
    activity["textFormat"] = "plain"
    return activity


def file_message(
    service_url: str, name: str, download_url: str, *, text: str = "", conversation=None, sender=None
) -> dict:  # type: ignore[no-untyped-def]
    """A message with a file attached, as Teams sends it to a bot whose manifest ``supportsFiles``."""
    activity = message(service_url, text, conversation=conversation, sender=sender)
    file_type = name.rsplit(".", 1)[-1] if "." in name else ""
    activity["attachments"] = [
        {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": name,
            "contentUrl": download_url.split("?", 1)[0],
            "content": {"downloadUrl": download_url, "uniqueId": str(uuid.uuid4()), "fileType": file_type},
        }
    ]
    return activity


def installation(service_url: str, *, action: str = "add", conversation=None, sender=None) -> dict:  # type: ignore[no-untyped-def]
    activity = _base("installationUpdate", service_url, conversation or personal_chat(), sender or user())
    activity["action"] = action
    return activity


def members_added(service_url: str, members: list[dict[str, Any]], *, conversation=None, sender=None) -> dict:  # type: ignore[no-untyped-def]
    activity = _base("conversationUpdate", service_url, conversation or personal_chat(), sender or user())
    activity["membersAdded"] = members
    return activity


def members_removed(service_url: str, members: list[dict[str, Any]], *, conversation=None, sender=None) -> dict:  # type: ignore[no-untyped-def]
    activity = _base("conversationUpdate", service_url, conversation or personal_chat(), sender or user())
    activity["membersRemoved"] = members
    return activity


def card_action(
    service_url: str, verb: str, data: dict[str, Any], *, conversation=None, sender=None, reply_to_id: str | None = None
) -> dict:  # type: ignore[no-untyped-def]
    activity = _base("invoke", service_url, conversation or personal_chat(), sender or user())
    activity["name"] = "adaptiveCard/action"
    activity["value"] = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    if reply_to_id:
        activity["replyToId"] = reply_to_id
    return activity


BOT_MEMBER = {"id": BOT_ID, "name": BOT_NAME}
