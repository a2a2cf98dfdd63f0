"""Production safeguards around the SDK: where replies may go, and who may call us."""

from __future__ import annotations

from microsoft_agents.hosting.core import OutboundHostValidator

from qop.settings import Settings


def build_host_validator(settings: Settings) -> OutboundHostValidator:
    """In production, only reply to Teams' own service URLs (off in local mode: the
    playground lives on localhost)."""
    if settings.local_mode:
        return OutboundHostValidator(enabled=False)
    return OutboundHostValidator(
        settings.allowed_service_url_hosts,
        enabled=True,
        allow_private_network_addresses=settings.allow_private_service_urls,
    )
