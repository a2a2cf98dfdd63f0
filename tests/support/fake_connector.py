"""A local stand-in for the Teams cloud's Bot Connector, on 127.0.0.1.

It implements the endpoints qop calls (send to a conversation, reply, update, delete,
create a 1:1 conversation) and records every accepted message. The Teams cloud itself is
unreachable here; this is the only stand-in the project allows.

Like Teams, it enforces the documented limits, answering 429 with ``Retry-After``:
per conversation 7 per 1 s, 8 per 2 s and 60 per 30 s (sends and conversation creation),
and per tenant ``tenant_limit`` requests per second over all calls (default 50). It can be
told to answer a fault for chosen conversations (``fail``: 403 MessageWritesBlocked, 404,
413, 429 with or without Retry-After, 5xx; ``slow``: answer late so the caller times out).
``duplicates`` counts messages accepted twice with the same content in the same
conversation. The benchmarks (``bench/``) import it from here as well.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

CONVERSATION_WINDOWS = ((7, 1.0), (8, 2.0), (60, 30.0))
"""Teams' per-bot, per-conversation limits for sending and creating conversations."""

BLOCKED_BODY = {"error": {"code": "Forbidden", "message": "MessageWritesBlocked"}, "subCode": "MessageWritesBlocked"}
FAULT_BODIES = {
    403: BLOCKED_BODY,
    404: {"error": {"code": "ConversationNotFound", "message": "Conversation not found."}},
    413: {"error": {"code": "MessageSizeTooBig", "message": "Message size too big."}},
    429: {"error": {"code": "Throttled", "message": "Too many requests."}},
}


@dataclass
class RecordedMessage:
    conversation_id: str
    activity: dict[str, Any]
    message_id: str
    method: str = "POST"
    authorization: str | None = None
    """The Authorization header the bot sent (production replies carry an Entra token)."""
    at: float = 0.0
    client_address: tuple[str, int] | None = None
    """The bot's end of the TCP connection the message came on (a kept connection repeats it)."""

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

    def content_key(self) -> str:
        return json.dumps(
            {"text": self.activity.get("text"), "attachments": self.activity.get("attachments")}, sort_keys=True
        )


@dataclass
class Fault:
    """An answer to give instead of accepting, ``times`` times (None: until cleared)."""

    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    times: int | None = None


class SlidingWindow:
    """Counts events in the last ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._events: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        """0 when one more event fits now, else seconds until it would."""
        while self._events and self._events[0] <= now - self.period:
            self._events.popleft()
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + self.period - now

    def add(self, now: float) -> None:
        self._events.append(now)


@dataclass
class FakeConnector:
    """Records what the bot sends; ``service_url`` goes into the activities tests post."""

    tenant_limit: int = 50
    """Requests per second for the whole tenant (Teams documents 50; older docs said 30)."""
    enforce_limits: bool = True
    messages: list[RecordedMessage] = field(default_factory=list)
    created_conversations: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Teams user id -> the member profile Teams returns (e-mail, UPN); unknown ids get 404."""
    deleted: list[tuple[str, str]] = field(default_factory=list)
    throttled: int = 0
    """429s answered because a limit was exceeded (not counting faults asked for)."""
    faults_answered: Counter[int] = field(default_factory=Counter)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _server: TestServer | None = None
    _faults: dict[str, Fault] = field(default_factory=dict)
    _tenant: SlidingWindow | None = None
    _conversation_windows: dict[str, list[SlidingWindow]] = field(default_factory=dict)

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

    async def start(self, port: int = 0) -> None:
        self._server = TestServer(self.app(), host="127.0.0.1", port=port)
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    # -- telling it what to do -------------------------------------------------------------------

    def fail(
        self, conversation_id: str, status: int, *, times: int | None = None, retry_after: str | None = None
    ) -> None:
        """Answer ``status`` for this conversation (``times`` times, or until ``clear``).
        403 carries the MessageWritesBlocked subCode; 429 sends ``retry_after`` when given."""
        self._faults[conversation_id] = Fault(status=status, retry_after=retry_after, times=times)

    def slow(self, conversation_id: str, seconds: float, *, times: int | None = None) -> None:
        """Answer only after ``seconds`` (longer than the caller's timeout = a timeout)."""
        self._faults[conversation_id] = Fault(delay=seconds, times=times)

    def clear(self, conversation_id: str) -> None:
        self._faults.pop(conversation_id, None)

    # -- reading what happened -------------------------------------------------------------------

    def in_conversation(self, conversation_id: str) -> list[RecordedMessage]:
        return [m for m in self.messages if m.conversation_id == conversation_id]

    @property
    def posts(self) -> list[RecordedMessage]:
        return [m for m in self.messages if m.method == "POST"]

    @property
    def duplicates(self) -> int:
        """Messages accepted more than once with the same content in the same conversation."""
        seen = Counter((m.conversation_id, m.content_key()) for m in self.posts)
        return sum(count - 1 for count in seen.values())

    # -- the endpoints ---------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        refusal = await self._admit(conversation_id, counts_for_conversation=True)
        if refusal is not None:
            return refusal
        message_id = str(next(self._ids))
        activity = await request.json()
        if activity.get("type") in (None, "message"):
            self.messages.append(
                RecordedMessage(
                    conversation_id,
                    activity,
                    message_id,
                    authorization=request.headers.get("Authorization"),
                    at=time.monotonic(),
                    client_address=_peer(request),
                )
            )
        return web.json_response({"id": message_id})

    async def _update(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        refusal = await self._admit(conversation_id, counts_for_conversation=True)
        if refusal is not None:
            return refusal
        activity = await request.json()
        message_id = request.match_info["activity_id"]
        self.messages.append(RecordedMessage(conversation_id, activity, message_id, "PUT", at=time.monotonic()))
        return web.json_response({"id": message_id})

    async def _delete(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        refusal = await self._admit(conversation_id, counts_for_conversation=True)
        if refusal is not None:
            return refusal
        self.deleted.append((conversation_id, request.match_info["activity_id"]))
        return web.Response(status=200)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        parameters = await request.json()
        member = (parameters.get("members") or [{}])[0]
        conversation_id = f"a:1on1-{member.get('id', 'unknown')}"
        refusal = await self._admit(conversation_id, counts_for_conversation=True)
        if refusal is not None:
            return refusal
        self.created_conversations.append(parameters)
        return web.json_response({"id": conversation_id, "serviceUrl": self.service_url})

    async def _admit(self, conversation_id: str, *, counts_for_conversation: bool) -> web.Response | None:
        """None when the request may proceed; else the error response Teams would give."""
        fault = self._faults.get(conversation_id)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.pop(conversation_id, None)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status != 200:
                self.faults_answered[fault.status] += 1
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                body = FAULT_BODIES.get(fault.status, {"error": {"code": "ServiceError", "message": "Try again."}})
                return web.json_response(body, status=fault.status, headers=headers)
        if not self.enforce_limits:
            return None
        now = time.monotonic()
        if self._tenant is None or self._tenant.limit != self.tenant_limit:
            self._tenant = SlidingWindow(self.tenant_limit, 1.0)
        windows = [self._tenant]
        if counts_for_conversation:
            windows += self._conversation_windows.setdefault(
                conversation_id, [SlidingWindow(limit, period) for limit, period in CONVERSATION_WINDOWS]
            )
        wait = max(window.wait_needed(now) for window in windows)
        if wait > 0:
            self.throttled += 1
            return web.json_response(
                FAULT_BODIES[429], status=429, headers={"Retry-After": str(max(1, math.ceil(wait)))}
            )
        for window in windows:
            window.add(now)
        return None

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member_id"])
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(member)


def _peer(request: web.Request) -> tuple[str, int] | None:
    peer = request.transport.get_extra_info("peername") if request.transport is not None else None
    return (str(peer[0]), int(peer[1])) if peer else None
