"""The Agents SDK's User-Agent string, worked out once per process instead of on every turn.

The SDK builds a connector client and a user-token client for each turn, and each asks
``get_product_info()`` for its User-Agent header. That looks up the version of
``microsoft-agents-connector`` in the installed packages' metadata (a package that 1.9.0 does not
install, so the lookup scans them all and fails): 0.15 ms a call measured here (the issue's
profile saw 0.9 ms a turn), on every turn, for a string that cannot change while the process runs.
"""

from __future__ import annotations

import functools

from microsoft_agents.hosting.core.connector.client import connector_client, user_token_client
from microsoft_agents.hosting.core.connector.mcs import mcs_connector_client

CLIENT_MODULES = (connector_client, user_token_client, mcs_connector_client)
"""The SDK modules that call ``get_product_info`` while serving (each imported it by name)."""


def cache_product_info() -> None:
    """Make the SDK's clients compute their User-Agent once per process (safe to call again)."""
    sdk_function = connector_client.get_product_info
    cached = sdk_function if hasattr(sdk_function, "cache_info") else functools.cache(sdk_function)
    for module in CLIENT_MODULES:
        module.get_product_info = cached
