"""The HTTP edge of the bot: /api/messages, with bad input answered by a 4xx and a reason."""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from bot.auth import Unauthorized, VerifiedToken
from bot.qop_bot import QopBot, error_reference
from bot.telemetry import traced_inbound

logger = logging.getLogger(__name__)

BOT_KEY = web.AppKey("qop_bot", QopBot)
UNAUTHORIZED_REASON = "A valid Bot Framework token is required."


@traced_inbound
async def messages(request: web.Request) -> web.StreamResponse:
    """Teams (or the playground) posts every activity here."""
    bot = request.app[BOT_KEY]
    raw = await _read_body(request, bot.config.max_request_bytes)
    if isinstance(raw, web.Response):
        return raw
    token: VerifiedToken | None = None
    if bot.token_validator is not None:
        # Authenticate before parsing: strangers learn nothing about what we accept.
        try:
            token = await bot.token_validator.authenticate(request.headers.get("Authorization"))
        except Unauthorized as refusal:
            return _unauthorized(request, refusal)
    body = _parse_activity(raw)
    if isinstance(body, web.Response):
        return body
    if token is not None:
        try:
            identity = token.check_activity(channel_id=body.get("channelId"), service_url=body.get("serviceUrl"))
        except Unauthorized as refusal:
            return _unauthorized(request, refusal)
        with warnings.catch_warnings():
            # The SDK reads this plain string key, as its own JWT middleware sets it.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            request["claims_identity"] = identity
    try:
        async with bot.turn_slots:
            response = await bot.adapter.process(request, bot.application)
    except ValidationError as error:
        return _reason(400, f"Not a valid activity: {error.error_count()} field(s) are malformed.")
    except Exception:
        # Errors inside a turn become a friendly card (QopBot._on_turn_error); this is what
        # fails around it, e.g. Entra ID not answering for the outbound token. No stack
        # trace leaves the process, and a 503 tells Teams the fault is ours and passing.
        reference = error_reference()
        logger.exception("could not process a %s activity (%s)", body.get("type"), reference)
        return _reason(503, f"qop could not process this activity just now (reference {reference}).")
    return response or web.Response(status=202)


async def _read_body(request: web.Request, limit: int) -> bytes | web.Response:
    # request.read() enforces the app's client_max_size and caches the bytes, so the SDK's
    # own request.json() later reads the same body without touching the socket again.
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _reason(413, f"Request body is larger than {limit} bytes.")


def _parse_activity(raw: bytes) -> dict[str, Any] | web.Response:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _reason(400, "Request body is not JSON.")
    if not isinstance(body, dict):
        return _reason(400, "Request body must be a JSON object (an activity).")
    if not isinstance(body.get("type"), str) or not isinstance((body.get("conversation") or {}).get("id"), str):
        return _reason(400, "An activity needs a 'type' and a 'conversation.id'.")
    try:
        Activity.model_validate(body)
    except ValidationError as error:
        return _reason(400, f"Not a valid activity: {error.error_count()} field(s) are malformed.")
    return body


def _unauthorized(request: web.Request, refusal: Unauthorized) -> web.Response:
    logger.warning("refused a request to %s from %s: %s", request.path, request.remote, refusal)
    return _reason(401, UNAUTHORIZED_REASON)


def _reason(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)
