"""The public feedback pages families and partners open from a link (outside Teams).

The page renders the same Adaptive Card as Teams with Microsoft's own JavaScript renderer,
served from this app (no CDN), and posts the answers back here. Defences: single-use
hashed tokens, a per-page anti-forgery token bound to the link and a SameSite=Strict
cookie, an Origin check, a per-address rate limit, and strict security headers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from cards import text_feedback as text
from cards import verbs
from cards.feedback import survey_form
from qop.link_pages import (
    Handler,
    PageWording,
    client_address,
    form_page,
    guarded,
    new_nonce,
    page_wording,
    posted_body,
    state_page,
)
from qop.link_pages import refusal as _refusal
from qop.rate_limit import TokenBucketLimiter
from qop.settings import PROJECT_ROOT, Settings
from qop.static_files import static_file
from services.errors import InvalidInput, NotFound
from services.feedback.forms import survey_settings
from services.feedback.links import FeedbackLinkService, LinkState, LinkUnusable

logger = logging.getLogger(__name__)
__all__ = ["add_feedback_routes", "client_address"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {
    "adaptivecards.min.js": (PROJECT_ROOT / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"),
    "feedback.js": STATIC_DIR / "feedback.js",
    "feedback.css": STATIC_DIR / "feedback.css",
}
NONCE_COOKIE = "qop_feedback"
WORDING = page_wording(text)
STATE_MESSAGES = WORDING.states


@dataclass
class FeedbackPages:
    """What the public pages need: the link service, the settings and one rate limiter."""

    links: FeedbackLinkService
    settings: Settings
    limiter: TokenBucketLimiter
    wording: PageWording = WORDING


FEEDBACK_PAGES_KEY = web.AppKey("feedback_pages", FeedbackPages)


def add_feedback_routes(app: web.Application, links: FeedbackLinkService, settings: Settings) -> None:
    limiter = TokenBucketLimiter(rate_per_minute=settings.feedback_rate_per_minute, burst=settings.feedback_rate_burst)
    app[FEEDBACK_PAGES_KEY] = FeedbackPages(links, settings, limiter)
    app.router.add_get("/feedback/{token}", _guarded(show_form))
    app.router.add_post("/feedback/{token}", _guarded(take_answers))
    app.router.add_get("/assets/{name}", asset)


def _guarded(handler: Handler) -> Handler:
    return guarded(handler, FEEDBACK_PAGES_KEY)


async def show_form(request: web.Request) -> web.StreamResponse:
    pages = request.app[FEEDBACK_PAGES_KEY]
    token = request.match_info["token"]
    opened = await pages.links.open_link(token)
    if opened.template is None or opened.state is not LinkState.OPEN:
        return state_page(opened.state, WORDING)
    nonce = new_nonce()
    page_data = {
        "card": survey_form(opened.template, verb=verbs.FEEDBACK_LINK_SUBMIT, data={}),
        "csrf": pages.links.form_token(opened.token_hash, nonce),
        "submitUrl": f"/feedback/{token}",
    }
    cookie = (NONCE_COOKIE, nonce, "/feedback/")
    return form_page(opened.template.title, page_data, WORDING, cookie=cookie, settings=pages.settings)


async def take_answers(request: web.Request) -> web.StreamResponse:
    pages = request.app[FEEDBACK_PAGES_KEY]
    token = request.match_info["token"]
    body = await posted_body(request, pages.settings, WORDING)
    if isinstance(body, web.Response):
        return body
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
