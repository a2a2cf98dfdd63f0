"""The practice day's spreadsheet download, opened from a short-lived signed link made in Teams.

Same rules as the QIM report (``qop.reports_web``): the link is bound to the person who asked,
opening it re-checks that they may still see the day's summary, and the download is an export in
the access log. A bad, forged or expired link, or someone no longer allowed, gets a short page
saying so (403), never a stack trace.
"""

from __future__ import annotations

import logging

from aiohttp import web

from cards import text_practice_days as text
from qop.reports_web import HEADERS, XLSX, refusal_page
from services.audits.practice_day_workbook import workbook_bytes
from services.audits.practice_days import LinkRefused, PracticeDays
from services.errors import DomainError

logger = logging.getLogger(__name__)

PRACTICE_DAYS_KEY = web.AppKey("practice_days", PracticeDays)


def add_practice_day_routes(app: web.Application, practice_days: PracticeDays) -> None:
    app[PRACTICE_DAYS_KEY] = practice_days
    app.router.add_get("/reports/practice-day.xlsx", practice_day_workbook)


async def practice_day_workbook(request: web.Request) -> web.Response:
    try:
        summary = await request.app[PRACTICE_DAYS_KEY].open_workbook(request.query.get("t", ""))
    except LinkRefused as refused:
        logger.info("practice day link refused: %s", refused)
        return refusal_page(403, "Link not valid", text.LINK_REFUSED)
    except DomainError as refusal:
        return refusal_page(403, "Not available", refusal.user_message)
    name = f"practice-day-{summary.held_on.isoformat()}.xlsx"
    return web.Response(
        body=workbook_bytes(summary),
        content_type=XLSX,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )
