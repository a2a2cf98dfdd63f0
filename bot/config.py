"""What the Teams transport needs to know, built from the settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BotConfig:
    """The bot's identity, inbound authentication and outbound safeguards.

    In ``local_mode`` (no bot identity: the playground) there are no inbound token checks, no
    serviceUrl host checks and the outbound token is a placeholder; otherwise all are on."""

    local_mode: bool
    app_id: str
    app_password: str
    tenant_id: str
    openid_metadata_url: str
    """Where inbound token signing keys are discovered."""
    token_issuers: tuple[str, ...]
    allowed_service_url_hosts: tuple[str, ...]
    """Hosts a production activity's serviceUrl may name; replies only ever go there."""
    allow_private_service_urls: bool
    """Only for tests of production mode against a local Bot Connector stand-in."""
    max_request_bytes: int
    """Largest body accepted on /api/messages."""
    max_turns_in_flight: int
    """Activities worked on at once; more wait at the HTTP edge instead of queueing in the database layer."""
    connector_timeout_seconds: float = 20.0
    """How long one call to the Bot Connector (a reply or a proactive send) may take."""
