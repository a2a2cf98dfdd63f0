"""The printable QIM report page, opened from a short-lived signed link made in Teams.

No scripts, no external requests: the page is HTML with inline SVG charts and its own styles.
A bad, forged or expired link, or someone who is no longer the QA lead, gets a short page
saying so (403), never a stack trace.
"""

from __future__ import annotations

import html
import logging

from aiohttp import web

from services.digest.report import render_html
from services.digest.report_links import LinkRefused
from services.digest.service import DigestService
from services.errors import DomainError

logger = logging.getLogger(__name__)

DIGESTS_KEY = web.AppKey("digests", DigestService)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
REFUSED = (
    "This report link cannot be opened: it may have expired (links last a short while) or be incomplete. "
    "Ask qop for a new one in Teams: type 'report qim' in your chat with qop."
)


def add_report_routes(app: web.Application, digests: DigestService) -> None:
    app[DIGESTS_KEY] = digests
    app.router.add_get("/reports/qim", qim_report)


def _page(status: int, title: str, body: str) -> web.Response:
    content = (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )
    return web.Response(status=status, text=content, content_type="text/html", headers=HEADERS)


async def qim_report(request: web.Request) -> web.Response:
    token = request.query.get("t", "")
    try:
        report = await request.app[DIGESTS_KEY].open_report(token)
    except LinkRefused as refused:
        logger.info("report link refused: %s", refused)
        return _page(403, "Link not valid", REFUSED)
    except DomainError as refusal:
        return _page(403, "Not available", refusal.user_message)
    return web.Response(text=render_html(report), content_type="text/html", headers=HEADERS)
