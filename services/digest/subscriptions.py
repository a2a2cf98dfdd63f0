"""Reading ``digest weekly [team <name> | area <name> | service] [on <day> at <HH:MM>] [type <audit type>]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from cards import text_digest as text
from services.errors import InvalidInput
from views.periods import WEEKDAYS
from views.templates import AuditType

PATTERN = re.compile(
    r"^(?:weekly\b)?\s*"
    r"(?:(?P<kind>team|area|service)\b\s*(?P<name>.*?))?\s*"
    r"(?:\bon\s+(?P<day>[a-z]+))?\s*"
    r"(?:\bat\s+(?P<at>\d{1,2}[:.]\d{2}))?\s*$",
    re.IGNORECASE,
)


TYPE_WORDS = re.compile(r"(?:^|\s)type\s+(?P<type>\S+)\s*$", re.IGNORECASE)
"""A trailing ``type themed`` (or dip_sample, multi-agency, standard): one audit type only."""


def audit_type_named(value: str) -> AuditType:
    """The audit type ``value`` names (``dip-sample`` = ``dip_sample``); InvalidInput naming the
    types that exist otherwise."""
    try:
        return AuditType(value.strip().lower().replace("-", "_"))
    except ValueError:
        types = ", ".join(kind.value for kind in AuditType)
        raise InvalidInput(text.UNKNOWN_AUDIT_TYPE.format(value=value[:40], types=types)) from None


def take_audit_type(args: str) -> tuple[str, AuditType | None]:
    """Split a trailing ``type <audit type>`` off ``args``: (the rest, the type or None)."""
    match = TYPE_WORDS.search(args)
    if match is None:
        return args, None
    return args[: match.start()], audit_type_named(match.group("type"))


@dataclass(frozen=True)
class SubscriptionRequest:
    scope: str | None
    """team | area | service, or None for the channel's linked team (or area)."""
    name: str | None
    weekday: int = 0
    send_at: str = "08:00"
    audit_type: AuditType | None = None
    """Count this audit type only; None: standard audits, each other type in its own rows."""


def parse_subscription(args: str) -> SubscriptionRequest:
    """Parse what follows ``digest``; raises ``InvalidInput`` with the usage on anything else."""
    args, audit_type = take_audit_type(args)
    match = PATTERN.match(args.strip())
    if match is None:
        raise InvalidInput(text.SUBSCRIPTION_UNREADABLE.format(args=args))
    kind = (match.group("kind") or "").lower() or None
    name = (match.group("name") or "").strip() or None
    if kind in ("team", "area") and name is None:
        raise InvalidInput(text.SUBSCRIPTION_WHICH.format(kind=kind))
    if kind == "service" and name:
        raise InvalidInput(text.SUBSCRIPTION_SERVICE_NAMED)
    weekday = 0
    if match.group("day"):
        day = match.group("day").lower()
        found = [i for i, d in enumerate(WEEKDAYS) if d.startswith(day[:3])]
        if len(day) < 3 or not found:
            raise InvalidInput(text.SUBSCRIPTION_NOT_A_DAY.format(day=match.group("day")))
        weekday = found[0]
    send_at = "08:00"
    if match.group("at"):
        hours, minutes = (int(part) for part in re.split(r"[:.]", match.group("at")))
        if hours > 23 or minutes > 59:
            raise InvalidInput(text.SUBSCRIPTION_NOT_A_TIME.format(at=match.group("at")))
        send_at = f"{hours:02d}:{minutes:02d}"
    return SubscriptionRequest(kind, name, weekday, send_at, audit_type)


def send_time(send_at: str) -> time:
    hours, minutes = send_at.split(":")
    return time(int(hours), int(minutes))
