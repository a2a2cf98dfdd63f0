"""The printable QIM report page, opened from a short-lived signed link made in Teams.

No scripts, no external requests: the page is HTML with inline SVG charts and its own styles.
The same link opens the Excel workbook (``/reports/qim.xlsx``). A bad, forged or expired link, or
someone who is no longer a member of the QIM, gets a short page saying so (403), never a stack trace.
"""

from __future__ import annotations

import html
import logging
import tempfile
from pathlib import Path

from aiohttp import web

from services import access_log
from services.digest.report import QimReport, render_html, write_workbook
from services.digest.report_links import LinkRefused
from services.digest.service import DigestService
from services.errors import DomainError

logger = logging.getLogger(__name__)

DIGESTS_KEY = web.AppKey("digests", DigestService)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    app.router.add_get("/reports/qim.xlsx", qim_workbook)


def refusal_page(status: int, title: str, body: str) -> web.Response:
    """A short page saying why a report link cannot be opened (no detail, no stack trace)."""
    content = (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )
    return web.Response(status=status, text=content, content_type="text/html", headers=HEADERS)


async def _open(request: web.Request, action: str) -> QimReport | web.Response:
    """The report the link grants, or the 403 page saying why not."""
    try:
        return await request.app[DIGESTS_KEY].open_report(request.query.get("t", ""), action=action)
    except LinkRefused as refused:
        logger.info("report link refused: %s", refused)
        return refusal_page(403, "Link not valid", REFUSED)
    except DomainError as refusal:
        return refusal_page(403, "Not available", refusal.user_message)


async def qim_report(request: web.Request) -> web.Response:
    report = await _open(request, access_log.VIEW)
    if isinstance(report, web.Response):
        return report
    workbook_url = f"qim.xlsx?t={request.query.get('t', '')}"
    return web.Response(text=render_html(report, workbook_url=workbook_url), content_type="text/html", headers=HEADERS)


async def qim_workbook(request: web.Request) -> web.Response:
    """The same report as an Excel workbook (an export in the access log)."""
    report = await _open(request, access_log.EXPORT)
    if isinstance(report, web.Response):
        return report
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qim-report.xlsx"
        write_workbook(report, path)
        content = path.read_bytes()
    quarter = report.digest.period.key
    return web.Response(
        body=content,
        content_type=XLSX,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="qim-report-{quarter}.xlsx"'},
    )
