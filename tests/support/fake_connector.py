"""A local stand-in for the Teams cloud's Bot Connector, on 127.0.0.1.

It implements the endpoints qop calls (send to a conversation, reply, update, delete,
create a 1:1 conversation) and records every accepted message. The Teams cloud itself is
unreachable here; this is the only stand-in the project allows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class RecordedMessage:
    conversation_id: str
    activity: dict[str, Any]
    message_id: str
    method: str = "POST"
    authorization: str | None = None
    """The Authorization header the bot sent (production replies carry an Entra token)."""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""


@dataclass
class FakeConnector:
    """Records what the bot sends; ``service_url`` goes into the activities tests post."""

    messages: list[RecordedMessage] = field(default_factory=list)
    created_conversations: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Teams user id -> the member profile Teams returns (e-mail, UPN); unknown ids get 404."""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _server: TestServer | None = None

    @property
    def service_url(self) -> str:
        assert self._server is not None, "start() the fake connector first"
        return str(self._server.make_url("/"))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._send)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._update)
        app.router.add_delete("/v3/conversations/{conversation_id}/activities/{activity_id}", self._delete)
        app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", self._member)
        return app

    async def start(self) -> None:
        self._server = TestServer(self.app(), host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    def in_conversation(self, conversation_id: str) -> list[RecordedMessage]:
        return [m for m in self.messages if m.conversation_id == conversation_id]

    async def _send(self, request: web.Request) -> web.Response:
        message_id = str(next(self._ids))
        activity = await request.json()
        if activity.get("type") in (None, "message"):
            self.messages.append(
                RecordedMessage(
                    request.match_info["conversation_id"],
                    activity,
                    message_id,
                    authorization=request.headers.get("Authorization"),
                )
            )
        return web.json_response({"id": message_id})

    async def _update(self, request: web.Request) -> web.Response:
        activity = await request.json()
        message_id = request.match_info["activity_id"]
        self.messages.append(RecordedMessage(request.match_info["conversation_id"], activity, message_id, "PUT"))
        return web.json_response({"id": message_id})

    async def _delete(self, request: web.Request) -> web.Response:
        return web.Response(status=200)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        parameters = await request.json()
        self.created_conversations.append(parameters)
        member = (parameters.get("members") or [{}])[0]
        return web.json_response({"id": f"a:1on1-{member.get('id', 'unknown')}", "serviceUrl": self.service_url})

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member_id"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)
