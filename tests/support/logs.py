"""What a test of bad input looks for in the captured log."""

from __future__ import annotations

import logging

SDK_CLIENT = "microsoft_agents.hosting.core.connector"
"""The SDK's Bot Connector client logs every non-2xx answer at ERROR, one line, no traceback
(e.g. 404 for the profile of someone not in the conversation): Teams' answer, not our fault."""


def loud_records(records: list[logging.LogRecord]) -> list[str]:
    """Records with a traceback, or at ERROR and above from anything but the SDK's client."""
    return [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in records
        if r.exc_info or (r.levelno >= logging.ERROR and not r.name.startswith(SDK_CLIENT))
    ]
