"""The HTTP edge of the bot: /api/messages, with bad input answered by a 4xx and a reason."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from bot.qop_bot import QopBot

logger = logging.getLogger(__name__)

BOT_KEY = web.AppKey("qop_bot", QopBot)


async def messages(request: web.Request) -> web.StreamResponse:
    """Teams (or the playground) posts every activity here."""
    bot = request.app[BOT_KEY]
    problem = await _check_body(request, bot.settings.max_request_bytes)
    if problem is not None:
        return problem
    try:
        response = await bot.adapter.process(request, bot.application)
    except ValidationError as error:
        return _reason(400, f"Not a valid activity: {error.error_count()} field(s) are malformed.")
    return response or web.Response(status=202)


async def _check_body(request: web.Request, limit: int) -> web.Response | None:
    # request.read() enforces the app's client_max_size and caches the bytes, so the SDK's
    # own request.json() later reads the same body without touching the socket again.
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _reason(413, f"Request body is larger than {limit} bytes.")
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
    return None


def _reason(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)
