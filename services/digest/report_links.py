"""Short-lived signed links to the QIM report page, for the QIM's members, made in Teams.

qop has no web sign-in, so the page is reached only through a link qop gives a signed-in Teams
user: ``<person>.<scope>.<name>.<quarter>.<expires>.<signature>`` (HMAC-SHA256 with a secret
from the settings). The link is bound to that person: opening it re-checks that they are still
a member of the QIM, and every view is written to the access log.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from services.feedback.tokens import Signer

PURPOSE = "qim-report"


@dataclass(frozen=True)
class ReportGrant:
    person_id: int
    scope: str
    name: str
    quarter: str
    expires_at: datetime


class LinkRefused(Exception):
    """The link is malformed, forged or expired (the page says which, without detail)."""


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()


def make_token(signer: Signer, grant: ReportGrant, *, purpose: str = PURPOSE) -> str:
    """The link's token; ``purpose`` keeps one kind of report's links from opening another's."""
    expires = int(grant.expires_at.timestamp())
    parts = (grant.person_id, grant.scope, grant.name, grant.quarter, expires)
    signature = signer.sign(purpose, *parts)
    return ".".join([str(grant.person_id), grant.scope, _encode(grant.name), grant.quarter, str(expires), signature])


def read_token(signer: Signer, token: str, *, now: datetime, purpose: str = PURPOSE) -> ReportGrant:
    try:
        person, scope, name, quarter, expires, signature = token.split(".")
        parts = (int(person), scope, _decode(name), quarter, int(expires))
    except (ValueError, UnicodeDecodeError):
        raise LinkRefused("malformed") from None
    if not signer.verify(signature, purpose, *parts):
        raise LinkRefused("forged")
    expires_at = datetime.fromtimestamp(parts[4], UTC)
    if now >= expires_at:
        raise LinkRefused("expired")
    return ReportGrant(parts[0], parts[1], parts[2], parts[3], expires_at)
