"""The HTTP edge of the bot: /api/messages, with bad input answered by a 4xx and a reason."""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from bot.auth import Unauthorized, VerifiedToken
from bot.qop_bot import QopBot, error_reference
from bot.telemetry import traced_inbound
from cards import text

logger = logging.getLogger(__name__)

BOT_KEY = web.AppKey("qop_bot", QopBot)
UNAUTHORIZED_REASON = text.HTTP_UNAUTHORIZED


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
        return _refuse(text.HTTP_MALFORMED_ACTIVITY.format(count=error.error_count()))
    except Exception:
        # Errors inside a turn become a friendly card (QopBot._on_turn_error); this is what
        # fails around it, e.g. Entra ID not answering for the outbound token. No stack
        # trace leaves the process, and a 503 tells Teams the fault is ours and passing.
        reference = error_reference()
        logger.exception("could not process a %s activity (%s)", body.get("type"), reference)
        return _reason(503, text.HTTP_NOT_PROCESSED.format(reference=reference))
    if response is not None and response.status == 501:
        # The SDK's answer to an invoke no route takes (a name qop does not handle).
        return _refuse(text.HTTP_UNHANDLED_INVOKE.format(name=repr(str(body.get("name"))[:60])))
    return response or web.Response(status=202)


async def _read_body(request: web.Request, limit: int) -> bytes | web.Response:
    # request.read() enforces the app's client_max_size and caches the bytes, so the SDK's
    # own request.json() later reads the same body without touching the socket again.
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _reason(413, text.HTTP_TOO_LARGE.format(limit=limit))


def _parse_activity(raw: bytes) -> dict[str, Any] | web.Response:
    """The activity, or a 400 naming the first thing wrong with its shape.

    Checked here, before the SDK sees it: the SDK and the handlers trust these fields, and
    anything malformed is the sender's fault (a 400 and one log line, never a 5xx or a
    traceback)."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _refuse(text.HTTP_NOT_JSON)
    if not isinstance(body, dict):
        return _refuse(text.HTTP_NOT_AN_OBJECT)
    problem = activity_shape_problem(body)
    if problem is not None:
        return _refuse(problem)
    return body


def activity_shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with this activity's shape (the first thing found), or None."""
    conversation = body.get("conversation")
    if not _is_text(body.get("type"), 64) or not isinstance(conversation, dict) or not _is_id(conversation.get("id")):
        return "An activity needs a 'type' and a 'conversation.id'."
    if _has_unstorable_text(body):
        return "The activity contains text that cannot be stored (a NUL character or a lone surrogate)."
    try:
        with _quiet_sdk_validation():
            Activity.model_validate(body).get_conversation_reference()
    except ValidationError as error:
        first = ".".join(str(part) for part in error.errors()[0]["loc"])[:80]
        return f"Not a valid activity: {error.error_count()} field(s) are malformed (first: {first})."
    except Exception as error:  # the SDK raises bare Exceptions for some inconsistencies
        return f"Not a valid activity: {str(error)[:120]}"
    if not _is_text(body.get("channelId"), 64):
        return "An activity needs a 'channelId'."
    if not _is_http_url(body.get("serviceUrl")):
        return "An activity needs a 'serviceUrl' (an http or https URL)."
    for key in ("from", "recipient"):
        account = body.get(key)
        if not isinstance(account, dict) or not _is_id(account.get("id")):
            return f"An activity needs a '{key}' object with an 'id'."
    for key in ("id", "replyToId"):
        if body.get(key) is not None and not _is_id(body[key]):
            return f"'{key}' must be an id."
    for key in ("channelData", "relatesTo"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"'{key}' must be an object."
    for key in ("team", "tenant", "channel", "settings", "meeting", "notification"):
        part = (body.get("channelData") or {}).get(key)
        if part is not None and not isinstance(part, dict):
            return f"'channelData.{key}' must be an object."
        if part and any(part.get(field) is not None and not isinstance(part[field], str) for field in ("id", "name")):
            return f"'channelData.{key}' needs a string 'id' and 'name'."
    for key in ("membersAdded", "membersRemoved", "entities", "attachments", "reactionsAdded", "reactionsRemoved"):
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            return f"'{key}' must be a list of objects."
    if body.get("name") == INVOKE_CARD_ACTION and not _is_card_action_value(body.get("value")):
        return "An adaptiveCard/action invoke needs a 'value' object with an 'action' object."
    return None


INVOKE_CARD_ACTION = "adaptiveCard/action"
ID_PATTERN = re.compile(r"[\w:@.;=+!,*'$()~|%-]{1,1024}", re.ASCII)


def _is_text(value: Any, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and value.strip() == value


def _is_id(value: Any) -> bool:
    """Teams ids ("29:…", "a:…", "19:…@thread.tacv2;messageid=…") are short ASCII with no
    spaces, slashes or markup: they go into the Bot Connector's URL paths."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 2048 or not value.isascii() or not value.isprintable():
        return False
    try:
        url = urlsplit(value)
    except ValueError:
        return False
    return url.scheme in ("http", "https") and bool(url.hostname) and " " not in value


def _is_card_action_value(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("action"), dict)


def _has_unstorable_text(value: Any) -> bool:
    """PostgreSQL refuses NUL in text and nothing can encode a lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_unstorable_text(key) or _has_unstorable_text(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_unstorable_text(item) for item in value)
    return False


@contextmanager
def _quiet_sdk_validation() -> Iterator[None]:
    """The SDK logs every activity it cannot validate at ERROR with a traceback; here the
    refusal is ours to report, in one line."""
    sdk_logger = logging.getLogger("microsoft_agents.activity.activity")
    previous = sdk_logger.disabled
    sdk_logger.disabled = True
    try:
        yield
    finally:
        sdk_logger.disabled = previous


class MalformedHttpLogFilter(logging.Filter):
    """aiohttp logs its own 400s (a header line over its limit, a broken request line) as
    "Error handling request" at ERROR with a traceback. They are the sender's fault: this turns
    each into one WARNING line with the reason, and leaves every other record alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 0) < 500:
            remote = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg = "refused a malformed HTTP request from %s: %s %s"
            record.args = (remote, error.code, (error.message or type(error).__name__).splitlines()[0][:160])
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def quiet_malformed_http_logs() -> None:
    """Install :class:`MalformedHttpLogFilter` on aiohttp's server logger (once)."""
    server_logger = logging.getLogger("aiohttp.server")
    if not any(isinstance(existing, MalformedHttpLogFilter) for existing in server_logger.filters):
        server_logger.addFilter(MalformedHttpLogFilter())


def _unauthorized(request: web.Request, refusal: Unauthorized) -> web.Response:
    logger.warning("refused a request to %s from %s: %s", request.path, request.remote, refusal)
    return _reason(401, UNAUTHORIZED_REASON)


def _refuse(reason: str) -> web.Response:
    logger.warning("refused a malformed activity: %s", reason)
    return _reason(400, reason)


def _reason(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)
