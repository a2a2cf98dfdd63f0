"""The printable QIM report page, opened from a short-lived signed link made in Teams.

No scripts, no external requests: the page is HTML with inline SVG charts and its own styles.
The same link opens the Excel workbook (``/reports/qim.xlsx``); the clinic packs' workbooks
(``/reports/clinic.xlsx`` for a team's, ``/reports/service-clinic.xlsx`` for the senior leadership
clinic's) have links of their own. A bad, forged or expired link, or
someone who is no longer a member of the QIM, gets a short page saying so (403), never a stack trace.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from aiohttp import web

from cards.text_digest import AUDIT_TYPES
from services import access_log
from services.clinic import ClinicService, SeniorClinicService
from services.clinic.workbook import service_workbook_bytes, workbook_bytes
from services.digest.report import QimReport, render_html, write_workbook
from services.digest.report_links import LinkRefused
from services.digest.service import DigestService
from services.digest.subscriptions import audit_type_named
from services.errors import DomainError
from views.clinic import ClinicPack, ServiceClinicPack
from views.templates import AuditType

logger = logging.getLogger(__name__)
Pack = TypeVar("Pack")

DIGESTS_KEY = web.AppKey("digests", DigestService)
CLINICS_KEY = web.AppKey("clinics", ClinicService)
SENIOR_CLINICS_KEY = web.AppKey("senior_clinics", SeniorClinicService)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
TYPE_PARAMETER = "type"
"""``?type=themed``: the report for one audit type (standard, themed, dip_sample, multi_agency)."""
REFUSED = (
    "This report link cannot be opened: it may have expired (links last a short while) or be incomplete. "
    "Ask qop for a new one in Teams: type 'report qim' in your chat with qop."
)


CLINIC_REFUSED = (
    "This workbook link cannot be opened: it may have expired (links last a short while) or be incomplete. "
    'Press "Download XLSX" on the clinic pack in Teams for a new one.'
)


def add_report_routes(
    app: web.Application, digests: DigestService, clinics: ClinicService, senior_clinics: SeniorClinicService
) -> None:
    app[DIGESTS_KEY] = digests
    app[CLINICS_KEY] = clinics
    app[SENIOR_CLINICS_KEY] = senior_clinics
    app.router.add_get("/reports/qim", qim_report)
    app.router.add_get("/reports/qim.xlsx", qim_workbook)
    app.router.add_get("/reports/clinic.xlsx", clinic_workbook)
    app.router.add_get("/reports/service-clinic.xlsx", service_clinic_workbook)


def refusal_page(status: int, title: str, body: str) -> web.Response:
    """A short page saying why a report link cannot be opened (no detail, no stack trace)."""
    content = (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )
    return web.Response(status=status, text=content, content_type="text/html", headers=HEADERS)


def _audit_type(request: web.Request) -> AuditType | None:
    """The ``type`` filter of the link, or None; an unknown type is a 400 saying which exist."""
    value = request.query.get(TYPE_PARAMETER)
    if not value:
        return None
    try:
        return audit_type_named(value)
    except DomainError as unknown:
        raise web.HTTPBadRequest(text=unknown.user_message, content_type="text/plain", headers=HEADERS) from None


def _link(path: str, request: web.Request, audit_type: AuditType | None) -> str:
    query = {"t": request.query.get("t", "")} | ({TYPE_PARAMETER: audit_type.value} if audit_type else {})
    return f"{path}?{urlencode(query)}"


async def _open(request: web.Request, action: str) -> QimReport | web.Response:
    """The report the link grants, or the 403 page saying why not."""
    audit_type = _audit_type(request)
    try:
        return await request.app[DIGESTS_KEY].open_report(
            request.query.get("t", ""), action=action, audit_type=audit_type
        )
    except LinkRefused as refused:
        logger.info("report link refused: %s", refused)
        return refusal_page(403, "Link not valid", REFUSED)
    except DomainError as refusal:
        return refusal_page(403, "Not available", refusal.user_message)


async def qim_report(request: web.Request) -> web.Response:
    report = await _open(request, access_log.VIEW)
    if isinstance(report, web.Response):
        return report
    audit_type = _audit_type(request)
    workbook_url = _link("qim.xlsx", request, audit_type)
    type_links = [(AUDIT_TYPES[kind], _link("qim", request, kind)) for kind in AuditType if kind != audit_type]
    page = render_html(report, workbook_url=workbook_url, type_links=type_links)
    return web.Response(text=page, content_type="text/html", headers=HEADERS)


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


async def clinic_workbook(request: web.Request) -> web.Response:
    """A team's performance clinic pack as a workbook, for the person the signed link names (an
    export in the access log); the same 403 pages as the QIM report's for a bad link or a refusal."""

    def named(pack: ClinicPack) -> tuple[str, bytes]:
        return f"performance-clinic-{pack.team_id}-{pack.month:%Y-%m}.xlsx", workbook_bytes(pack)

    return await _clinic_download(request, request.app[CLINICS_KEY].open_workbook, named)


async def service_clinic_workbook(request: web.Request) -> web.Response:
    """The senior leadership clinic's service pack as a workbook, as a team's is given."""

    def named(pack: ServiceClinicPack) -> tuple[str, bytes]:
        return f"senior-leadership-clinic-{pack.month:%Y-%m}.xlsx", service_workbook_bytes(pack)

    return await _clinic_download(request, request.app[SENIOR_CLINICS_KEY].open_workbook, named)


async def _clinic_download(
    request: web.Request,
    open_pack: Callable[[str], Awaitable[Pack]],
    named: Callable[[Pack], tuple[str, bytes]],
) -> web.Response:
    """The workbook behind the link's token (``t``), or a 403 page for a bad link or a refusal."""
    try:
        pack = await open_pack(request.query.get("t", ""))
    except LinkRefused as refused:
        logger.info("clinic workbook link refused: %s", refused)
        return refusal_page(403, "Link not valid", CLINIC_REFUSED)
    except DomainError as refusal:
        return refusal_page(403, "Not available", refusal.user_message)
    name, content = named(pack)
    return web.Response(
        body=content,
        content_type=XLSX,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )
