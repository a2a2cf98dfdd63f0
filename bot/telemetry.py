"""A span per inbound activity at the HTTP edge (OpenTelemetry API only; a no-op until the
composition root installs a tracer provider).

The span says what kind of activity came in and how it was answered, from fixed vocabularies
only: the activity type, the invoke name and card verb when they are qop's own, the kind of
conversation and the HTTP status. Never text, names, case references or anyone's id.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from opentelemetry import trace

from cards import verbs

tracer = trace.get_tracer(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ACTIVITY_TYPES = frozenset(
    {
        "message",
        "invoke",
        "conversationUpdate",
        "installationUpdate",
        "messageReaction",
        "messageUpdate",
        "messageDelete",
        "event",
        "typing",
        "endOfConversation",
    }
)
INVOKE_NAMES = frozenset(
    {
        "adaptiveCard/action",
        "task/fetch",
        "task/submit",
        "composeExtension/query",
        "composeExtension/submitAction",
        "composeExtension/fetchTask",
        "signin/verifyState",
        "signin/tokenExchange",
        "config/fetch",
        "config/submit",
        "actionableMessage/executeAction",
    }
)
CONVERSATION_KINDS = frozenset({"personal", "groupChat", "channel"})
KNOWN_VERBS = frozenset(value for name, value in vars(verbs).items() if name.isupper() and isinstance(value, str))
OTHER = "other"


def traced_inbound(handler: Handler) -> Handler:
    """Wrap the /api/messages handler in a server span that ends with the HTTP status."""

    @functools.wraps(handler)
    async def traced(request: web.Request) -> web.StreamResponse:
        with tracer.start_as_current_span("qop.inbound.activity", kind=trace.SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", request.method)
            response = await handler(request)
            span.set_attribute("http.response.status_code", response.status)
            if span.is_recording() and response.status != 413 and request.body_exists:
                span.set_attributes(activity_attributes(await request.read()))
            if response.status >= 500:
                span.set_status(trace.StatusCode.ERROR)
            return response

    return traced


def activity_attributes(raw: bytes) -> dict[str, str]:
    """What the span may say about an activity body (already read, so this costs no I/O):
    only values from the fixed sets above; anything else, or a malformed body, is "other"."""
    try:
        body = json.loads(raw)
    except ValueError:
        return {"qop.activity.type": OTHER}
    if not isinstance(body, dict):
        return {"qop.activity.type": OTHER}
    attributes = {"qop.activity.type": _known(body.get("type"), ACTIVITY_TYPES)}
    conversation = body.get("conversation")
    if isinstance(conversation, dict):
        attributes["qop.conversation.kind"] = _known(conversation.get("conversationType"), CONVERSATION_KINDS)
    if body.get("type") == "invoke":
        attributes["qop.activity.name"] = _known(body.get("name"), INVOKE_NAMES)
        verb = _verb_of(body.get("value"))
        if verb is not None:
            attributes["qop.activity.verb"] = _known(verb, KNOWN_VERBS)
    return attributes


def _verb_of(value: Any) -> Any:
    action = value.get("action") if isinstance(value, dict) else None
    return action.get("verb") if isinstance(action, dict) else None


def _known(value: Any, vocabulary: frozenset[str]) -> str:
    return value if isinstance(value, str) and value in vocabulary else OTHER
