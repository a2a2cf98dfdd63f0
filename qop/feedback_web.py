"""The public feedback pages families and partners open from a link (outside Teams).

The page renders the same Adaptive Card as Teams with Microsoft's own JavaScript renderer,
served from this app (no CDN), and posts the answers back here. Defences: single-use
hashed tokens, a per-page anti-forgery token bound to the link and a SameSite=Strict
cookie, an Origin check, a per-address rate limit, and strict security headers.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from cards import text_feedback as text
from cards import verbs
from cards.feedback import survey_form
from qop.rate_limit import TokenBucketLimiter
from qop.settings import PROJECT_ROOT, Settings
from qop.static_files import static_file
from services.errors import InvalidInput, NotFound
from services.feedback.forms import survey_settings
from services.feedback.links import FeedbackLinkService, LinkState, LinkUnusable

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {
    "adaptivecards.min.js": (PROJECT_ROOT / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"),
    "feedback.js": STATIC_DIR / "feedback.js",
    "feedback.css": STATIC_DIR / "feedback.css",
}
NONCE_COOKIE = "qop_feedback"
MAX_ANSWER_BYTES = 64 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cache-Control": "no-store",
}
STATE_MESSAGES = {
    LinkState.UNKNOWN: (404, text.PAGE_UNKNOWN_TITLE, text.PAGE_UNKNOWN_BODY),
    LinkState.USED: (410, text.PAGE_USED_TITLE, text.PAGE_USED_BODY),
    LinkState.EXPIRED: (410, text.PAGE_EXPIRED_TITLE, text.PAGE_EXPIRED_BODY),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FeedbackPages:
    """What the public pages need: the link service, the settings and one rate limiter."""

    links: FeedbackLinkService
    settings: Settings
    limiter: TokenBucketLimiter


FEEDBACK_PAGES_KEY = web.AppKey("feedback_pages", FeedbackPages)


def add_feedback_routes(app: web.Application, links: FeedbackLinkService, settings: Settings) -> None:
    limiter = TokenBucketLimiter(rate_per_minute=settings.feedback_rate_per_minute, burst=settings.feedback_rate_burst)
    app[FEEDBACK_PAGES_KEY] = FeedbackPages(links, settings, limiter)
    app.router.add_get("/feedback/{token}", _guarded(show_form))
    app.router.add_post("/feedback/{token}", _guarded(take_answers))
    app.router.add_get("/assets/{name}", asset)


def _guarded(handler: Handler) -> Handler:
    """Rate limit first (before any database work), security headers on every answer."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        pages = request.app[FEEDBACK_PAGES_KEY]
        if not pages.limiter.allow(client_address(request, pages.settings)):
            response: web.StreamResponse = _busy(request, pages.limiter.retry_after_seconds())
        else:
            response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        if pages.settings.base_url.startswith("https://"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    return guarded


async def show_form(request: web.Request) -> web.StreamResponse:
    pages = request.app[FEEDBACK_PAGES_KEY]
    token = request.match_info["token"]
    opened = await pages.links.open_link(token)
    if opened.template is None or opened.state is not LinkState.OPEN:
        status, title, body = STATE_MESSAGES[opened.state]
        return _message_page(status, title, body)
    nonce = secrets.token_urlsafe(24)
    page_data = {
        "card": survey_form(opened.template, verb=verbs.FEEDBACK_LINK_SUBMIT, data={}),
        "csrf": pages.links.form_token(opened.token_hash, nonce),
        "submitUrl": f"/feedback/{token}",
        "text": {
            "sending": text.PAGE_SENDING,
            "check": text.PAGE_CHECK,
            "tryAgain": text.PAGE_TRY_AGAIN,
        },
    }
    response = _page(200, opened.template.title, _form_body(page_data))
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        path="/feedback/",
        httponly=True,
        samesite="Strict",
        secure=pages.settings.base_url.startswith("https://"),
    )
    return response


async def take_answers(request: web.Request) -> web.StreamResponse:
    pages = request.app[FEEDBACK_PAGES_KEY]
    token = request.match_info["token"]
    if not _same_origin(request, pages.settings):
        return _refusal(403, text.PAGE_FORBIDDEN_TITLE, text.PAGE_FORBIDDEN_BODY)
    body = await _json_body(request)
    if body is None:
        return _refusal(400, text.PAGE_FORBIDDEN_TITLE, text.PAGE_TRY_AGAIN)
    opened = await pages.links.open_link(token)
    if opened.state is not LinkState.OPEN:
        status, title, message = STATE_MESSAGES[opened.state]
        return _refusal(status, title, message, state=opened.state.value)
    nonce = request.cookies.get(NONCE_COOKIE, "")
    if not pages.links.form_token_valid(opened.token_hash, nonce, str(body.get("csrf", ""))):
        return _refusal(403, text.PAGE_FORBIDDEN_TITLE, text.PAGE_FORBIDDEN_BODY)
    answers = body.get("answers")
    try:
        answered = await pages.links.submit(token, answers if isinstance(answers, dict) else {})
    except LinkUnusable as unusable:
        status, title, message = STATE_MESSAGES[unusable.state]
        return _refusal(status, title, message, state=unusable.state.value)
    except NotFound:
        status, title, message = STATE_MESSAGES[LinkState.UNKNOWN]
        return _refusal(status, title, message, state=LinkState.UNKNOWN.value)
    except InvalidInput as invalid:
        return web.json_response(
            {
                "state": "invalid",
                "title": text.PAGE_CHECK,
                "message": invalid.user_message,
                "fields": invalid.field_errors,
            },
            status=422,
        )
    message = survey_settings(answered.template).thanks
    if answered.late:  # the audit was submitted first: the answers are kept and shown on it, marked late
        message = f"{message} {text.PAGE_LATE_NOTE}"
    response = web.json_response({"state": "thanks", "title": text.PAGE_THANKS_TITLE, "message": message})
    response.del_cookie(NONCE_COOKIE, path="/feedback/")
    return response


async def asset(request: web.Request) -> web.StreamResponse:
    return static_file(ASSETS, request.match_info["name"])


# -- helpers ------------------------------------------------------------------------------------


def client_address(request: web.Request, settings: Settings) -> str:
    """The address the per-address rate limit counts: the peer, or behind the trusted proxy the
    address that proxy saw. Proxies append to ``X-Forwarded-For``, so only its last entry was
    written by ours; anything before it came from the client and could be forged."""
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.remote or "unknown"


def _same_origin(request: web.Request, settings: Settings) -> bool:
    """A cross-site form or script cannot forge this: browsers always set Origin on POST."""
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    allowed = {f"{request.scheme}://{request.host}"}
    if settings.public_base_url:
        parts = urlsplit(settings.public_base_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin in allowed


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    if request.content_length is not None and request.content_length > MAX_ANSWER_BYTES:
        return None
    try:
        raw = await request.content.read(MAX_ANSWER_BYTES + 1)
        body = json.loads(raw) if len(raw) <= MAX_ANSWER_BYTES else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _busy(request: web.Request, retry_after: int) -> web.StreamResponse:
    headers = {"Retry-After": str(retry_after)}
    if request.method == "POST":
        response: web.Response = _refusal(429, text.PAGE_BUSY_TITLE, text.PAGE_BUSY_BODY)
    else:
        response = _message_page(429, text.PAGE_BUSY_TITLE, text.PAGE_BUSY_BODY)
    response.headers.update(headers)
    return response


def _refusal(status: int, title: str, message: str, *, state: str = "refused") -> web.Response:
    return web.json_response({"state": state, "title": title, "message": message}, status=status)


def _message_page(status: int, title: str, body: str) -> web.Response:
    return _page(status, title, f'<h1 id="page-title">{html.escape(title)}</h1>\n<p>{html.escape(body)}</p>')


def _form_body(page_data: dict[str, Any]) -> str:
    # Inside <script>, "<" is escaped so no answer or wording can close the element.
    data = json.dumps(page_data, ensure_ascii=False).replace("<", "\\u003c")
    return f"""<h1 id="page-title">{html.escape(text.PAGE_FORM_HEADING)}</h1>
<p class="privacy">{html.escape(text.PAGE_PRIVACY)}</p>
<div id="qop-status" class="status" role="status" aria-live="polite" tabindex="-1"></div>
<div id="qop-card" class="card"></div>
<noscript><p class="warning">{html.escape(text.PAGE_NOSCRIPT)}</p></noscript>
<script type="application/json" id="qop-data">{data}</script>
<script src="/assets/adaptivecards.min.js"></script>
<script src="/assets/feedback.js"></script>"""


def _page(status: int, title: str, main: str) -> web.Response:
    document = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{html.escape(title)} - {html.escape(text.PAGE_APP_NAME)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/feedback.css">
</head>
<body>
<a class="skip" href="#main">Skip to the questions</a>
<header class="banner"><p>{html.escape(text.PAGE_BANNER)}</p></header>
<main id="main" tabindex="-1">
{main}
</main>
<footer class="help"><p>{html.escape(text.PAGE_HELP)}</p></footer>
</body>
</html>
"""
    return web.Response(status=status, text=document, content_type="text/html", charset="utf-8")
