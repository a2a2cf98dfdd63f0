"""What every public page behind a private link shares (the family's feedback page, a partner
auditor's page): the rate limit, security headers, the anti-forgery checks, reading the posted
answers, and the accessible HTML around an Adaptive Card rendered by Microsoft's renderer.

Each page keeps its own wording (``PageWording``); the defences are the same for all of them.
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp import web

from qop.rate_limit import TokenBucketLimiter
from qop.settings import Settings
from services.feedback.links import LinkState

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

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class PageWording:
    """The words of one kind of link page (``page_wording`` reads them from a ``cards/text_*`` module)."""

    app_name: str
    banner: str
    help: str
    skip: str
    form_heading: str
    privacy: str
    noscript: str
    sending: str
    check: str
    try_again: str
    busy_title: str
    busy_body: str
    forbidden_title: str
    forbidden_body: str
    states: dict[LinkState, tuple[int, str, str]]
    """(HTTP status, title, body) of the page for a link that cannot take answers."""


def page_wording(words: ModuleType) -> PageWording:
    """A page's wording from its text module's ``PAGE_*`` names (the same names in every module)."""
    return PageWording(
        app_name=words.PAGE_APP_NAME,
        banner=words.PAGE_BANNER,
        help=words.PAGE_HELP,
        skip=words.PAGE_SKIP,
        form_heading=words.PAGE_FORM_HEADING,
        privacy=words.PAGE_PRIVACY,
        noscript=words.PAGE_NOSCRIPT,
        sending=words.PAGE_SENDING,
        check=words.PAGE_CHECK,
        try_again=words.PAGE_TRY_AGAIN,
        busy_title=words.PAGE_BUSY_TITLE,
        busy_body=words.PAGE_BUSY_BODY,
        forbidden_title=words.PAGE_FORBIDDEN_TITLE,
        forbidden_body=words.PAGE_FORBIDDEN_BODY,
        states={
            LinkState.UNKNOWN: (404, words.PAGE_UNKNOWN_TITLE, words.PAGE_UNKNOWN_BODY),
            LinkState.USED: (410, words.PAGE_USED_TITLE, words.PAGE_USED_BODY),
            LinkState.EXPIRED: (410, words.PAGE_EXPIRED_TITLE, words.PAGE_EXPIRED_BODY),
        },
    )


class LinkPages(Protocol):
    """What ``guarded`` needs from a page family's app state."""

    @property
    def settings(self) -> Settings: ...

    @property
    def limiter(self) -> TokenBucketLimiter: ...

    @property
    def wording(self) -> PageWording: ...


def guarded(handler: Handler, key: web.AppKey[Any]) -> Handler:
    """Rate limit first (before any database work), security headers on every answer;
    ``request.app[key]`` holds the pages' ``LinkPages``."""

    async def guarded_handler(request: web.Request) -> web.StreamResponse:
        pages: LinkPages = request.app[key]
        if not pages.limiter.allow(client_address(request, pages.settings)):
            response: web.StreamResponse = busy(request, pages.limiter.retry_after_seconds(), pages.wording)
        else:
            response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        if pages.settings.base_url.startswith("https://"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    return guarded_handler


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


def same_origin(request: web.Request, settings: Settings) -> bool:
    """A cross-site form or script cannot forge this: browsers always set Origin on POST."""
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    allowed = {f"{request.scheme}://{request.host}"}
    if settings.public_base_url:
        parts = urlsplit(settings.public_base_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin in allowed


async def posted_body(request: web.Request, settings: Settings, wording: PageWording) -> dict[str, Any] | web.Response:
    """The answers' JSON object, or the refusal to send back: a post from another site, or a
    body too big or not a JSON object."""
    if not same_origin(request, settings):
        return refusal(403, wording.forbidden_title, wording.forbidden_body)
    body = await json_body(request)
    if body is None:
        return refusal(400, wording.forbidden_title, wording.try_again)
    return body


async def json_body(request: web.Request) -> dict[str, Any] | None:
    """The posted JSON object, or None when it is too big, not JSON or not an object."""
    if request.content_length is not None and request.content_length > MAX_ANSWER_BYTES:
        return None
    try:
        raw = await request.content.read(MAX_ANSWER_BYTES + 1)
        body = json.loads(raw) if len(raw) <= MAX_ANSWER_BYTES else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body if isinstance(body, dict) else None


def busy(request: web.Request, retry_after: int, wording: PageWording) -> web.StreamResponse:
    headers = {"Retry-After": str(retry_after)}
    if request.method == "POST":
        response: web.Response = refusal(429, wording.busy_title, wording.busy_body)
    else:
        response = message_page(429, wording.busy_title, wording.busy_body, wording)
    response.headers.update(headers)
    return response


def refusal(status: int, title: str, message: str, *, state: str = "refused") -> web.Response:
    """A refused post, as the page script shows it: a title and a kind message."""
    return web.json_response({"state": state, "title": title, "message": message}, status=status)


def answers_need_a_look(user_message: str, field_errors: dict[str, str], wording: PageWording) -> web.Response:
    """Answers refused (the link stays usable): the page lists each question and its problem."""
    body = {"state": "invalid", "title": wording.check, "message": user_message, "fields": field_errors}
    return web.json_response(body, status=422)


def thanks(title: str, message: str, *, cookie: tuple[str, str]) -> web.Response:
    """Answers taken: the page shows ``title`` and ``message``; the form's cookie (name, path) goes."""
    response = web.json_response({"state": "thanks", "title": title, "message": message})
    name, path = cookie
    response.del_cookie(name, path=path)
    return response


def state_refusal(state: LinkState, wording: PageWording) -> web.Response:
    """A post to a link that cannot take answers (used, expired, unknown)."""
    status, title, message = wording.states[state]
    return refusal(status, title, message, state=state.value)


def state_page(state: LinkState, wording: PageWording) -> web.Response:
    """The page for a link that cannot take answers: what happened, kindly, and nothing more."""
    status, title, body = wording.states[state]
    return message_page(status, title, body, wording)


def message_page(status: int, title: str, body: str, wording: PageWording) -> web.Response:
    return page(status, title, f'<h1 id="page-title">{html.escape(title)}</h1>\n<p>{html.escape(body)}</p>', wording)


def new_nonce() -> str:
    """The random value of a form page's cookie, which its anti-forgery token is bound to."""
    return secrets.token_urlsafe(24)


def form_page(
    title: str,
    page_data: dict[str, Any],
    wording: PageWording,
    *,
    cookie: tuple[str, str, str],
    settings: Settings,
) -> web.Response:
    """The form page (``page_data``: the card, its anti-forgery token and where it posts) with
    ``cookie`` = (name, value, path) set ``HttpOnly`` and ``SameSite=Strict``."""
    data = {**page_data, "text": {"sending": wording.sending, "check": wording.check, "tryAgain": wording.try_again}}
    response = page(200, title, form_body(data, wording), wording)
    name, value, path = cookie
    response.set_cookie(
        name, value, path=path, httponly=True, samesite="Strict", secure=settings.base_url.startswith("https://")
    )
    return response


def form_body(page_data: dict[str, Any], wording: PageWording) -> str:
    """The card's holder, the status line screen readers hear, and the page script's data."""
    # Inside <script>, "<" is escaped so no answer or wording can close the element.
    data = json.dumps(page_data, ensure_ascii=False).replace("<", "\\u003c")
    return f"""<h1 id="page-title">{html.escape(wording.form_heading)}</h1>
<p class="privacy">{html.escape(wording.privacy)}</p>
<div id="qop-status" class="status" role="status" aria-live="polite" tabindex="-1"></div>
<div id="qop-card" class="card"></div>
<noscript><p class="warning">{html.escape(wording.noscript)}</p></noscript>
<script type="application/json" id="qop-data">{data}</script>
<script src="/assets/adaptivecards.min.js"></script>
<script src="/assets/feedback.js"></script>"""


def page(status: int, title: str, main: str, wording: PageWording) -> web.Response:
    document = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{html.escape(title)} - {html.escape(wording.app_name)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/feedback.css">
</head>
<body>
<a class="skip" href="#main">{html.escape(wording.skip)}</a>
<header class="banner"><p>{html.escape(wording.banner)}</p></header>
<main id="main" tabindex="-1">
{main}
</main>
<footer class="help"><p>{html.escape(wording.help)}</p></footer>
</body>
</html>
"""
    return web.Response(status=status, text=document, content_type="text/html", charset="utf-8")
