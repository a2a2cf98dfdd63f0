"""The dashboard page (the Teams tab) and its JSON endpoint.

``/dashboard`` is a static shell: its script asks Teams for the user's Entra ID token (tab SSO)
and calls ``/api/dashboard`` with ``Authorization: Bearer``; the server validates the token
(``qop.dashboard_sso``) and answers with what that person may see (``services.dashboard``), or
401 and no data. In local mode (no ``MICROSOFT_APP_ID``) there is no sign-in: the page shows a
picker of the demo organisation's people, marked as local, and passes ``?as=<person id>``;
production never accepts that. Scripts (the page's, the Teams JS library, Chart.js) are served
from ``qop/static``; nothing comes from a CDN.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from cards import text_dashboard as text
from cards.measures_wording import evidence_text, figure, four_questions, target_text, trend_text
from qop.dashboard_sso import TabTokenValidator, Unauthorized
from qop.settings import Settings
from qop.static_files import static_file
from services.container import Services
from services.dashboard import DashboardService
from services.errors import NotAllowed, NotFound
from services.templates import TemplateLibrary
from views.dashboard import Dashboard, Level, ScopeLink
from views.measures import IndicatorStatus, MeasuresOverview

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {
    "dashboard.js": STATIC_DIR / "dashboard.js",
    "dashboard-configure.js": STATIC_DIR / "dashboard-configure.js",
    "dashboard.css": STATIC_DIR / "dashboard.css",
    "MicrosoftTeams.min.js": STATIC_DIR / "vendor" / "MicrosoftTeams.min.js",
    "chart.umd.min.js": STATIC_DIR / "vendor" / "chart.umd.min.js",
}
TEAMS_HOSTS = (
    "https://teams.microsoft.com https://*.teams.microsoft.com https://teams.cloud.microsoft "
    "https://*.cloud.microsoft https://*.office.com https://outlook.office.com https://teams.live.com"
)
HEADERS = {
    # Teams shows the tab in a frame, so only Teams (and qop itself) may frame it.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors 'self' {TEAMS_HOSTS}"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass
class DashboardPages:
    dashboards: DashboardService
    settings: Settings
    tokens: TabTokenValidator | None
    """None in local mode: no sign-in, the demo picker instead."""


DASHBOARD_KEY = web.AppKey("dashboard_pages", DashboardPages)


def add_dashboard_routes(app: web.Application, services: Services, settings: Settings) -> None:
    library = TemplateLibrary.from_folder(local_standards=settings.local_standards)
    dashboards = DashboardService(
        sessions=services.sessions,
        clock=services.clock,
        measures=services.measures,
        library=library,
        time_zone=settings.timezone,
    )
    tokens = None if settings.local_mode else TabTokenValidator.from_settings(settings, services.clock)
    app[DASHBOARD_KEY] = DashboardPages(dashboards, settings, tokens)
    app.router.add_get("/dashboard", dashboard_page)
    app.router.add_get("/dashboard/configure", configure_page)
    app.router.add_get("/dashboard/assets/{name}", dashboard_asset)
    app.router.add_get("/api/dashboard", dashboard_data)
    app.router.add_get("/api/dashboard/people", demo_people)


# -- handlers --------------------------------------------------------------------------------


async def dashboard_page(request: web.Request) -> web.Response:
    pages = request.app[DASHBOARD_KEY]
    config = {"mode": "local" if pages.tokens is None else "teams", "text": _page_text()}
    banner = (
        f'<p class="local-banner" id="local-banner">{html.escape(text.LOCAL_BANNER)}</p>'
        if pages.tokens is None
        else ""
    )
    # Only inside Teams: on load teams-js asks a Microsoft CDN for Teams' origins (the CSP stops
    # that and it falls back to its built-in list); the local page has no use for it.
    teams_js = "" if pages.tokens is None else '<script src="/dashboard/assets/MicrosoftTeams.min.js"></script>\n'
    body = f"""{banner}
<div id="qop-status" class="status" role="status" aria-live="polite">{html.escape(text.LOADING)}</div>
<div id="qop-dashboard"></div>
<noscript><p class="warning">{html.escape(text.NOSCRIPT)}</p></noscript>
<script type="application/json" id="qop-config">{_script_json(config)}</script>
{teams_js}<script src="/dashboard/assets/chart.umd.min.js"></script>
<script src="/dashboard/assets/dashboard.js"></script>"""
    return _page(text.PAGE_TITLE, body)


async def configure_page(request: web.Request) -> web.Response:
    """The channel tab's configuration page: Teams shows it when the tab is added to a channel."""
    pages = request.app[DASHBOARD_KEY]
    config = {"contentUrl": f"{pages.settings.base_url}/dashboard", "name": text.PAGE_TITLE}
    body = f"""<h1>{html.escape(text.CONFIGURE_HEADING)}</h1>
<p>{html.escape(text.CONFIGURE_BODY)}</p>
<script type="application/json" id="qop-config">{_script_json(config)}</script>
<script src="/dashboard/assets/MicrosoftTeams.min.js"></script>
<script src="/dashboard/assets/dashboard-configure.js"></script>"""
    return _page(text.CONFIGURE_HEADING, body)


async def dashboard_asset(request: web.Request) -> web.StreamResponse:
    return static_file(ASSETS, request.match_info["name"])


async def dashboard_data(request: web.Request) -> web.Response:
    """What the signed-in person may see of the place the query names (their home by default)."""
    pages = request.app[DASHBOARD_KEY]
    try:
        area_id, team_id = _whole_number(request, "area"), _whole_number(request, "team")
    except ValueError:
        return _json({"message": text.BAD_REQUEST}, status=400)
    try:
        person_id = await _signed_in_person(request, pages)
    except Unauthorized as refused:
        logger.info("dashboard sign-in refused: %s", refused)
        return _json({"message": text.SIGN_IN_FAILED}, status=401, headers={"WWW-Authenticate": "Bearer"})
    try:
        board = await pages.dashboards.dashboard(
            person_id, area_id=area_id, team_id=team_id, own=request.query.get("own") == "1"
        )
    except NotAllowed as refusal:
        return _json({"message": refusal.user_message}, status=403)
    except NotFound as missing:
        return _json({"message": missing.user_message}, status=404)
    return _json(dashboard_json(board))


async def demo_people(request: web.Request) -> web.Response:
    """The local-mode picker's people; production has no such list (404)."""
    pages = request.app[DASHBOARD_KEY]
    if pages.tokens is not None:
        raise web.HTTPNotFound(text="Not found")
    people = await pages.dashboards.demo_people()
    return _json({"people": [{"id": pid, "name": name, "sees": sees} for pid, name, sees in people]})


async def _signed_in_person(request: web.Request, pages: DashboardPages) -> int | None:
    if pages.tokens is None:
        chosen = request.query.get("as", "")
        if not chosen.isdigit():
            raise Unauthorized("local mode: no demo person picked")
        return int(chosen)
    user = await pages.tokens.user(request.headers.get("Authorization"))
    return await pages.dashboards.person_for_entra_user(user.object_id, user.email)


def _whole_number(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise ValueError(name)
    return int(raw)


# -- the JSON the page renders ------------------------------------------------------------------


def dashboard_json(board: Dashboard) -> dict[str, Any]:
    """Figures already worded ("86 %", "no data", "down 6 points in three months") so the page,
    its tables and its charts say the same thing; raw values only for drawing."""
    return {
        "viewer": board.viewer_name,
        "level": board.level.value,
        "scopeName": board.scope_name,
        "month": f"{board.month:%B %Y}",
        "since": f"{board.since.day} {board.since:%B %Y}",
        "trail": [_link(link) for link in board.trail],
        "tops": [_link(link) for link in board.tops],
        "children": [_link(link) for link in board.children],
        "measures": _measures(board.measures) if board.measures else None,
        "audits": _audits(board),
        "feedback": [
            {"form": f.form, "channel": text.CHANNELS.get(f.channel, f.channel), "count": f.count}
            for f in board.feedback
        ],
        "actions": {
            "open": board.actions.open,
            "overdue": board.actions.overdue,
            "done": board.actions.done,
            "cancelled": board.actions.cancelled,
        },
    }


def _link(link: ScopeLink) -> dict[str, Any]:
    query = {Level.SERVICE: "", Level.AREA: f"area={link.id}", Level.TEAM: f"team={link.id}", Level.OWN: "own=1"}
    return {"level": link.level.value, "name": link.name, "query": query[link.level]}


def _measures(overview: MeasuresOverview) -> dict[str, Any]:
    return {
        "openActions": overview.open_actions,
        "measures": [
            {
                "name": measure.name,
                "indicators": [_indicator(status) for status in measure.indicators],
                "questions": [line.strip() for line in four_questions(measure)] if measure.indicators else [],
            }
            for measure in overview.measures
        ],
    }


def _indicator(status: IndicatorStatus) -> dict[str, Any]:
    return {
        "name": status.name,
        "unit": status.unit,
        "value": status.value,
        "figure": figure(status),
        "target": status.target,
        "targetText": target_text(status) if status.target is not None else text.NO_TARGET,
        "direction": text.DIRECTIONS.get(status.direction, status.direction),
        "status": _judgement(status),
        "trend": _trend(status),
        "history": [
            {"month": f"{month:%b %Y}", "value": value, "text": _number(value, status.unit)}
            for month, value in status.history
        ],
        "evidence": [evidence_text(e) for e in status.evidence],
        "owner": status.owner,
    }


def _judgement(status: IndicatorStatus) -> str:
    if not status.has_data:
        return text.NO_DATA
    if status.off_target:
        return text.OFF_TARGET
    if status.on_target:
        return text.ON_TARGET
    return text.NO_TARGET if status.target is None else text.NEAR_TARGET


def _trend(status: IndicatorStatus) -> str:
    words = trend_text(status)
    if words is None:
        return text.NO_DATA
    if status.improving:
        return f"{words} ({text.BETTER})"
    if status.wrong_way:
        return f"{words} ({text.WORSE})"
    return words


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return text.NO_DATA
    shown = f"{value:.1f}".removesuffix(".0")
    return {"percent": f"{shown} %", "days": f"{shown} days"}.get(unit, shown)


def _audits(board: Dashboard) -> dict[str, Any]:
    stages = [stage for stage in text.STAGES if any(a.stage == stage for a in board.audits)]
    types = sorted({a.audit_type for a in board.audits})
    counts = {(a.audit_type, a.stage): a.count for a in board.audits}
    return {
        "stages": [text.STAGES[stage] for stage in stages],
        "rows": [
            {
                "type": audit_type,
                "counts": [counts.get((audit_type, stage), 0) for stage in stages],
                "total": sum(counts.get((audit_type, stage), 0) for stage in stages),
            }
            for audit_type in types
        ],
    }


def _page_text() -> dict[str, str]:
    """The page's wording by lower-case name (the local-mode banner only ever comes with the picker)."""
    return {
        name.lower(): value
        for name, value in vars(text).items()
        if name.isupper() and isinstance(value, str) and name != "LOCAL_BANNER"
    }


# -- responses ----------------------------------------------------------------------------------


def _script_json(data: dict[str, Any]) -> str:
    # Inside <script>, "<" is escaped so no wording can close the element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _json(data: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    response = web.json_response(data, status=status, headers=headers)
    response.headers.update(HEADERS)
    return response


def _page(title: str, main: str) -> web.Response:
    document = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{html.escape(title)} - qop</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body>
<main id="main">
{main}
</main>
</body>
</html>
"""
    return web.Response(text=document, content_type="text/html", charset="utf-8", headers=HEADERS)
