"""Production safeguards around the SDK: where replies may go, and who may call us."""

from __future__ import annotations

import ipaddress

from microsoft_agents.hosting.core import OutboundHostValidator
from yarl import URL

from bot.config import BotConfig


class ServiceUrlValidator(OutboundHostValidator):
    """The SDK's validator (https only, listed Microsoft hosts, no private addresses), plus
    one narrow test-only door: with ``allow_private_service_urls`` an explicitly listed IP
    address on this machine or a private network (a local Bot Connector stand-in) is
    accepted over http too. The SDK's own rules never accept loopback or plain http."""

    def __init__(self, hosts: list[str], *, allow_listed_private_addresses: bool) -> None:
        super().__init__(hosts, enabled=True, allow_private_network_addresses=allow_listed_private_addresses)
        self._listed_private = {host for host in hosts if allow_listed_private_addresses and _is_private_ip(host)}

    def is_allowed(self, url: str | URL) -> bool:
        if super().is_allowed(url):
            return True
        try:
            parsed = URL(str(url))
        except ValueError:
            return False
        return (
            parsed.scheme in ("http", "https")
            and not parsed.user
            and not parsed.password
            and (parsed.host or "") in self._listed_private
        )


def _is_private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def build_host_validator(config: BotConfig) -> OutboundHostValidator:
    """In production, only accept activities (and so only reply) naming Teams' own service
    URLs; off in local mode, where the playground lives on localhost."""
    if config.local_mode:
        return OutboundHostValidator(enabled=False)
    return ServiceUrlValidator(
        list(config.allowed_service_url_hosts), allow_listed_private_addresses=config.allow_private_service_urls
    )
