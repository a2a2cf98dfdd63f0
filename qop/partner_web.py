"""The public page a partner agency's auditor opens from their private link (outside Teams).

It asks their agency's part of a multi-agency audit, rendered like the family's feedback page
(the same Adaptive Card renderer and page script, served from this app) and defended the same
way (``qop.link_pages``): single-use hashed tokens, a per-page anti-forgery token bound to the
link and a SameSite=Strict cookie, an Origin check, a per-address rate limit, strict headers.
A used, expired or made-up link gets a kind page and changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aiohttp import web

from cards import text_partner_audits as text
from cards import verbs
from cards.partner_audits import partner_form_card
from qop.link_pages import (
    PageWording,
    form_body,
    guarded,
    json_body,
    page,
    refusal,
    same_origin,
    state_page,
    state_refusal,
)
from qop.rate_limit import TokenBucketLimiter
from qop.settings import Settings
from services.audits.partners import PartnerAudits
from services.errors import InvalidInput
from services.feedback.links import LinkState, LinkUnusable

NONCE_COOKIE = "qop_partner"
COOKIE_PATH = "/partner/"
WORDING = PageWording(
    app_name=text.PAGE_APP_NAME,
    banner=text.PAGE_BANNER,
    help=text.PAGE_HELP,
    skip=text.PAGE_SKIP,
    form_heading=text.PAGE_FORM_HEADING,
    privacy=text.PAGE_PRIVACY,
    noscript=text.PAGE_NOSCRIPT,
    busy_title=text.PAGE_BUSY_TITLE,
    busy_body=text.PAGE_BUSY_BODY,
    states={
        LinkState.UNKNOWN: (404, text.PAGE_UNKNOWN_TITLE, text.PAGE_UNKNOWN_BODY),
        LinkState.USED: (410, text.PAGE_USED_TITLE, text.PAGE_USED_BODY),
        LinkState.EXPIRED: (410, text.PAGE_EXPIRED_TITLE, text.PAGE_EXPIRED_BODY),
    },
)


@dataclass
class PartnerPages:
    """What the partner pages need: the audit service's partner part, the settings, a rate limiter."""

    partners: PartnerAudits
    settings: Settings
    limiter: TokenBucketLimiter
    wording: PageWording = WORDING


PARTNER_PAGES_KEY = web.AppKey("partner_pages", PartnerPages)


def add_partner_routes(app: web.Application, partners: PartnerAudits, settings: Settings) -> None:
    """``/partner/{token}``: the form (GET) and its answers (POST). The page's script and styles
    are the feedback page's, served under ``/assets/``."""
    limiter = TokenBucketLimiter(rate_per_minute=settings.feedback_rate_per_minute, burst=settings.feedback_rate_burst)
    app[PARTNER_PAGES_KEY] = PartnerPages(partners, settings, limiter)
    app.router.add_get("/partner/{token}", guarded(show_form, PARTNER_PAGES_KEY))
    app.router.add_post("/partner/{token}", guarded(take_answers, PARTNER_PAGES_KEY))


async def show_form(request: web.Request) -> web.StreamResponse:
    pages = request.app[PARTNER_PAGES_KEY]
    token = request.match_info["token"]
    state, form, token_hash = await pages.partners.open_link(token)
    if form is None or state is not LinkState.OPEN:
        return state_page(state, WORDING)
    nonce = secrets.token_urlsafe(24)
    page_data = {
        "card": partner_form_card(form, verb=verbs.PARTNER_AUDIT_SUBMIT),
        "csrf": pages.partners.form_token(token_hash, nonce),
        "submitUrl": f"/partner/{token}",
        "text": {"sending": text.PAGE_SENDING, "check": text.PAGE_CHECK, "tryAgain": text.PAGE_TRY_AGAIN},
    }
    response = page(200, form.title, form_body(page_data, WORDING), WORDING)
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=pages.settings.base_url.startswith("https://"),
    )
    return response


async def take_answers(request: web.Request) -> web.StreamResponse:
    pages = request.app[PARTNER_PAGES_KEY]
    token = request.match_info["token"]
    if not same_origin(request, pages.settings):
        return refusal(403, text.PAGE_FORBIDDEN_TITLE, text.PAGE_FORBIDDEN_BODY)
    body = await json_body(request)
    if body is None:
        return refusal(400, text.PAGE_FORBIDDEN_TITLE, text.PAGE_TRY_AGAIN)
    state, _form, token_hash = await pages.partners.open_link(token)
    if state is not LinkState.OPEN:
        return state_refusal(state, WORDING)
    nonce = request.cookies.get(NONCE_COOKIE, "")
    if not pages.partners.form_token_valid(token_hash, nonce, str(body.get("csrf", ""))):
        return refusal(403, text.PAGE_FORBIDDEN_TITLE, text.PAGE_FORBIDDEN_BODY)
    answers = body.get("answers")
    try:
        await pages.partners.submit(token, answers if isinstance(answers, dict) else {})
    except LinkUnusable as unusable:
        return state_refusal(unusable.state, WORDING)
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
    response = web.json_response({"state": "thanks", "title": text.PAGE_THANKS_TITLE, "message": text.PAGE_THANKS_BODY})
    response.del_cookie(NONCE_COOKIE, path=COOKIE_PATH)
    return response
