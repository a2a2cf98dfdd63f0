"""What production mode insists on before it serves a single request.

Setting MICROSOFT_APP_ID switches qop into production mode (inbound tokens checked, replies
only to Teams' service URLs, outbound tokens from Entra ID). A half-configured production
bot would fail later and obscurely, on the first message from Teams; ``qop serve`` and
``qop run`` refuse to start instead and say what to set, and so do the commands that work on the
database (``qop org``, ``qop measures``, ...).
"""

from __future__ import annotations

import re

import typer
from rich.console import Console

from qop.settings import Settings

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def production_problems(settings: Settings) -> list[str]:
    """Every reason production mode cannot start, one line each; empty in local mode."""
    if settings.local_mode:
        return []
    problems = []
    if not GUID.match(settings.microsoft_app_id):
        problems.append("MICROSOFT_APP_ID must be the Azure Bot's app id (a GUID).")
    if not GUID.match(settings.microsoft_app_tenant_id):
        problems.append("MICROSOFT_APP_TENANT_ID must be the council's tenant id (a GUID): qop is a single-tenant bot.")
    if settings.allow_private_service_urls:
        problems.append("ALLOW_PRIVATE_SERVICE_URLS is for tests against a local connector only: unset it.")
    if not settings.openid_metadata_url.startswith("https://"):
        problems.append("OPENID_METADATA_URL must be an https URL (Bot Framework signing keys).")
    if not settings.token_issuers:
        problems.append("TOKEN_ISSUERS may not be empty.")
    if not settings.allowed_service_url_hosts:
        problems.append("ALLOWED_SERVICE_URL_HOSTS may not be empty: replies may only go to Teams' service URLs.")
    if settings.public_base_url and not settings.public_base_url.startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be https in production (feedback links are opened by the public).")
    try:
        settings.feedback_signing_key  # noqa: B018 - the property refuses a missing secret
    except ValueError as missing:
        problems.append(str(missing) + ".")
    return problems


def refuse_incomplete_production(settings: Settings) -> None:
    """Print what production mode lacks and exit with code 1, if it lacks anything."""
    problems = production_problems(settings)
    if problems:
        console = Console()
        console.print("[bold red]Production mode (MICROSOFT_APP_ID is set) cannot start:[/bold red]")
        for problem in problems:
            console.print(f"  - {problem}", markup=False)
        raise typer.Exit(code=1)
