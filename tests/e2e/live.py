"""The real thing on loopback: the bot as ``qop run`` serves it, the Teams playground beside
it, and a client for the playground's own HTTP/WebSocket API (what its web UI calls)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar

import aiohttp
from aiohttp import web

from qop.app import create_app
from qop.settings import Settings
from services.clock import Clock

T = TypeVar("T")
CARD = "application/vnd.microsoft.card.adaptive"
THREAD_SUFFIX = ";messageid="
WAIT_SECONDS = 15.0


@dataclass
class LiveBot:
    """The bot on 127.0.0.1; ``stop`` then ``start`` restarts it on the same port and database.
    ``clock`` (the system clock when None) lets a test set the date the bot lives on."""

    settings: Settings
    port: int = 0
    clock: Clock | None = None
    app: web.Application | None = None
    _runner: web.AppRunner | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    async def start(self) -> None:
        self.app = create_app(self.settings, clock=self.clock)
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class PlaygroundClient:
    """Talks to the playground as its web UI does. Connect before sending: the playground
    holds bot messages for the next client only when none is connected."""

    base_url: str
    user_id: str = ""
    bot: dict[str, str] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None
    _socket: aiohttp.ClientWebSocketResponse | None = None
    _reader: asyncio.Task[None] | None = None
    _inbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    _log_socket: aiohttp.ClientWebSocketResponse | None = None
    _log_reader: asyncio.Task[None] | None = None
    logged: list[dict[str, Any]] = field(default_factory=list)
    """Every exchange between the bot and the playground, as its log panel shows them."""

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT_SECONDS))
        self._socket = await self._session.ws_connect(f"{self.base_url}/_ws_conversation/v1/conversations/stream")
        self._reader = asyncio.create_task(self._read())
        self._log_socket = await self._session.ws_connect(f"{self.base_url}/_ws/log/stream")
        self._log_reader = asyncio.create_task(self._read_log())
        config = (await self._get("/_internal/v1/config"))["config"]
        self.user_id = config["currentUser"]["id"]
        self.bot = config["bot"]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for reader in (self._reader, self._log_reader):
            if reader is not None:
                reader.cancel()
        for socket in (self._socket, self._log_socket):
            if socket is not None:
                await socket.close()
        if self._session is not None:
            await self._session.close()

    async def config(self) -> dict[str, Any]:
        return (await self._get("/_internal/v1/config"))["config"]

    async def start_recording(self) -> None:
        """Have the playground record every request to the file its environment names (``Recording``)."""
        await self._post("/_internal/v1/configDebugOptions", {"eventsRecordingEnabled": True})

    async def install(self, conversation_id: str) -> None:
        await self._post(f"/_debug/conversation/{conversation_id}/installation")

    async def uninstall(self, conversation_id: str) -> None:
        template = await self._get(
            "/_internal/v1/customActivities/template", params={"conversationId": conversation_id, "type": "uninstall"}
        )
        await self._post("/_internal/v1/customActivities", template)

    async def say(self, conversation_id: str, text: str, *, mention_bot: bool = False) -> None:
        message: dict[str, Any] = {"type": "text", "text": text, "textFormat": "plain", "from": {"id": self.user_id}}
        if mention_bot:
            mention = f"<at>{self.bot['name']}</at>"
            message["text"] = f"{mention} {text}"
            message["mentions"] = [{"mentioned": {"id": self.bot["id"], "name": self.bot["name"]}, "text": mention}]
        await self._post(f"/_conversation/v1/conversations/{conversation_id}/messages", message)

    async def send_file(self, conversation_id: str, name: str, download_url: str, *, text: str = "") -> None:
        """A message with a file attached, as Teams sends it to a bot whose manifest ``supportsFiles``.

        The playground has no file picker for bots, but forwards any custom activity through its Bot
        Connector: this is its own activity for the chat (ids, service URL, user) made into a message
        carrying Teams' ``file.download.info`` attachment."""
        activity = await self._get(
            "/_internal/v1/customActivities/template", params={"conversationId": conversation_id, "type": "install"}
        )
        activity.pop("action", None)
        activity.update(
            type="message",
            id=str(uuid.uuid4()),
            text=text,
            textFormat="plain",
            attachments=[
                {
                    "contentType": "application/vnd.microsoft.teams.file.download.info",
                    "name": name,
                    "contentUrl": download_url,
                    "content": {
                        "downloadUrl": download_url,
                        "uniqueId": str(uuid.uuid4()),
                        "fileType": name.rsplit(".", 1)[-1],
                    },
                }
            ],
        )
        await self._post("/_internal/v1/customActivities", activity)

    async def next_message(self, conversation_id: str) -> dict[str, Any]:
        """The next message the bot posts in this conversation (or a thread of it)."""
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                event = await self._inbox.get()
                where = str(event.get("actionConversationId", ""))
                if event.get("action") == "createMessage" and where.split(THREAD_SUFFIX)[0] == conversation_id:
                    return event["message"]

    async def next_update(self, conversation_id: str, message_id: str) -> dict[str, Any]:
        """The card of the next update the bot makes to message ``message_id`` in this conversation."""
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                event = await self._inbox.get()
                message = event.get("message") or {}
                if (
                    event.get("action") == "updateMessage"
                    and str(event.get("actionConversationId", "")).split(THREAD_SUFFIX)[0] == conversation_id
                    and (message.get("messageId") or message.get("id")) == message_id
                ):
                    return next(a["content"] for a in message.get("attachments") or [] if a.get("contentType") == CARD)

    async def next_card(self, conversation_id: str) -> dict[str, Any]:
        message = await self.next_message(conversation_id)
        cards = [a["content"] for a in message.get("attachments") or [] if a.get("contentType") == CARD]
        assert cards, f"expected a card in {conversation_id}, got {json.dumps(message)[:500]}"
        return cards[0]

    async def execute(
        self,
        conversation_id: str,
        verb: str,
        data: dict[str, Any],
        *,
        reply_to_id: str | None = None,
        as_user: str | None = None,
    ) -> dict[str, Any]:
        """Press an Action.Execute button (inputs merged into ``data``); returns the bot's invoke answer.

        ``as_user`` presses it as another of the playground's users: the playground checks that they
        are a member of the conversation and that ``reply_to_id`` is a message in it."""
        assert self._session is not None
        body: dict[str, Any] = {
            "name": "adaptiveCard/action",
            "conversation": {"id": conversation_id},
            "from": {"id": as_user or self.user_id},
            "value": {"action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}}},
        }
        if reply_to_id:
            body["replyToId"] = reply_to_id
        async with self._session.post(f"{self.base_url}/_conversation/v1/invoke", json=body) as response:
            assert response.status == 200, f"invoke {verb}: {response.status} {await response.text()}"
            return await response.json()

    async def add_team_members(self, team_conversation_id: str, user_ids: list[str]) -> None:
        """Teams' 'members added to the team' event (conversationUpdate, teamMemberAdded) for these
        users, as Teams sends it to a bot installed in the team when people join it. The playground's
        own template names only its current user; the members are its other configured users."""
        users = {u["id"]: u for u in (await self.config())["users"]}
        event = await self._get(
            "/_internal/v1/customActivities/template",
            params={"conversationId": team_conversation_id, "type": "userAdded"},
        )
        event["membersAdded"] = [{"id": users[u]["id"], "aadObjectId": users[u]["aadObjectId"]} for u in user_ids]
        await self._post("/_internal/v1/customActivities", event)

    async def chat_created_for(self, user_id: str) -> str:
        """The personal chat the bot created with another playground user (from the playground's log)."""

        def created() -> str | None:
            for item in self.logged:
                members = (item.get("request") or {}).get("body", {}).get("members") or []
                if item.get("activityName") == "createConversation" and [m.get("id") for m in members] == [user_id]:
                    return item["response"]["body"]["id"]
            return None

        return await _logged(created, f"a chat created for {user_id}")

    async def logged_card(self, message_id: str) -> dict[str, Any]:
        """The card of a message the playground accepted from the bot (HTTP 201), by its id.

        The playground streams to clients only its current user's chats; messages to its other
        users are stored in their chats and shown in its log panel, which is what this reads."""

        def accepted() -> dict[str, Any] | None:
            for item in self.logged:
                if item.get("activityName") == "message" and item.get("messageId") == message_id:
                    assert item["response"]["statusCode"] == 201, item["response"]
                    attachments = item["request"]["body"].get("attachments") or []
                    return next(a["content"] for a in attachments if a.get("contentType") == CARD)
            return None

        return await _logged(accepted, f"message {message_id} in the playground's log")

    async def _read_log(self) -> None:
        assert self._log_socket is not None
        async for frame in self._log_socket:
            if frame.type == aiohttp.WSMsgType.TEXT:
                item = json.loads(frame.data).get("log") or {}
                if item.get("from") == "User Application":  # what the bot sent to the playground
                    self.logged.append(item)

    async def _read(self) -> None:
        assert self._socket is not None
        async for frame in self._socket:
            if frame.type == aiohttp.WSMsgType.TEXT:
                await self._inbox.put(json.loads(frame.data))

    async def _get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        assert self._session is not None
        async with self._session.get(self.base_url + path, params=params) as response:
            assert response.status == 200, f"GET {path}: {response.status} {await response.text()}"
            return await response.json()

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> None:
        assert self._session is not None
        async with self._session.post(self.base_url + path, json=body) as response:
            assert response.status in (200, 201, 202), f"POST {path}: {response.status} {await response.text()}"


async def _logged(find: Callable[[], T | None], what: str) -> T:
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while (found := find()) is None:  # noqa: ASYNC110 - the log socket fills ``logged`` as it reads
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"no {what} within {WAIT_SECONDS:.0f} s") from None
    return found


RECORDING_ENV = "M365_AGENTS_PLAYGROUND_RECORDING_FILE"
RECORD_SEPARATOR = "\n---\n"
CONNECTOR = "/_connector/v3/conversations"


@dataclass
class Recording:
    """The playground's own record of every request between the bot and it, written to the file
    named by ``M365_AGENTS_PLAYGROUND_RECORDING_FILE`` when the playground starts (switched on with
    ``PlaygroundClient.start_recording``). Unlike its log panel (``PlaygroundClient.logged``) it
    keeps each request's URL, so it tells which conversation every message went to, including
    other users' 1:1 chats that its UI stream leaves out."""

    path: Path

    def items(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        items = []
        for chunk in self.path.read_text().split(RECORD_SEPARATOR):
            try:
                items.append(json.loads(chunk))
            except ValueError:  # empty, or the item being written right now
                continue
        return items

    def messages_in(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every message the bot posted into a conversation (or as a reply in it) that the
        playground accepted, in order, each with its ``messageId``; updates are not included."""
        prefix = f"{CONNECTOR}/{conversation_id}/activities"
        messages = []
        for item in self.items():
            request, response = item["request"], item.get("response") or {}
            url = str(request.get("url", ""))
            if request.get("method") != "POST" or not (url == prefix or url.startswith(prefix + "/")):
                continue
            if response.get("statusCode") in (200, 201) and request["body"].get("type") == "message":
                messages.append({**request["body"], "messageId": (response.get("body") or {}).get("id")})
        return messages

    def updates_of(self, conversation_id: str, message_id: str) -> list[dict[str, Any]]:
        """Every update of one message the playground accepted, in order (the new activities)."""
        url = f"{CONNECTOR}/{conversation_id}/activities/{message_id}"
        return [
            item["request"]["body"]
            for item in self.items()
            if item["request"].get("method") == "PUT"
            and str(item["request"].get("url", "")) == url
            and (item.get("response") or {}).get("statusCode") in (200, 201)
        ]


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll until ``check`` holds: the playground acknowledges some events before the bot
    has finished with them."""
    async with asyncio.timeout(WAIT_SECONDS):
        while not await check():  # noqa: ASYNC110 - the other side is another process
            await asyncio.sleep(0.1)
    assert await check(), what


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def next_card_with(teams: PlaygroundClient, conversation: str, text: str) -> tuple[dict[str, Any], str]:
    """The next card containing ``text`` in one of the current user's chats (others are skipped)."""
    for _ in range(10):
        message = await teams.next_message(conversation)
        for attachment in message.get("attachments") or []:
            if text in card_text(attachment["content"]):
                return attachment["content"], message.get("messageId") or message.get("id") or ""
    raise AssertionError(f"no card with {text!r} arrived")
