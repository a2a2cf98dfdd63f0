"""The public page a partner agency's auditor opens from their private link (outside Teams).

It asks their agency's part of a multi-agency audit, rendered like the family's feedback page
(the same Adaptive Card renderer and page script, served from this app) and defended the same
way (``qop.link_pages``): single-use hashed tokens, a per-page anti-forgery token bound to the
link and a SameSite=Strict cookie, an Origin check, a per-address rate limit, strict headers.
A used, expired or made-up link gets a kind page and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from cards import text_partner_audits as text
from cards import verbs
from cards.partner_audits import partner_form_card
from qop.link_pages import (
    PageWording,
    answers_need_a_look,
    form_page,
    guarded,
    new_nonce,
    page_wording,
    posted_body,
    refusal,
    state_page,
    state_refusal,
    thanks,
)
from qop.rate_limit import TokenBucketLimiter
from qop.settings import Settings
from services.audits.partners import PartnerAudits
from services.errors import InvalidInput
from services.feedback.links import LinkState, LinkUnusable

NONCE_COOKIE = "qop_partner"
COOKIE_PATH = "/partner/"
WORDING = page_wording(text)


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
    nonce = new_nonce()
    page_data = {
        "card": partner_form_card(form, verb=verbs.PARTNER_AUDIT_SUBMIT),
        "csrf": pages.partners.form_token(token_hash, nonce),
        "submitUrl": f"/partner/{token}",
    }
    cookie = (NONCE_COOKIE, nonce, COOKIE_PATH)
    return form_page(form.title, page_data, WORDING, cookie=cookie, settings=pages.settings)


async def take_answers(request: web.Request) -> web.StreamResponse:
    pages = request.app[PARTNER_PAGES_KEY]
    token = request.match_info["token"]
    body = await posted_body(request, pages.settings, WORDING)
    if isinstance(body, web.Response):
        return body
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
        return answers_need_a_look(invalid.user_message, invalid.field_errors, WORDING)
    return thanks(text.PAGE_THANKS_TITLE, text.PAGE_THANKS_BODY, cookie=(NONCE_COOKIE, COOKIE_PATH))
