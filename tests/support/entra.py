"""Entra ID access tokens for the dashboard tab, as Teams tab SSO gets them, signed by the local
key server (``FakeBotFrameworkKeys`` publishes any keys; Entra's metadata has the same shape)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt

from tests.support.fake_botframework import FakeBotFrameworkKeys, SigningKeyPair

TENANT_ID = "3a6c8d1e-0000-4000-8000-0000000000aa"
APP_ID = "6f1c2a7e-0000-4000-8000-00000000a11d"
BASE_URL = "https://qop.northshire.example"
AUDIENCE = f"api://qop.northshire.example/{APP_ID}"
ISSUER = f"https://sts.windows.net/{TENANT_ID}/"
"""A v1.0 token's issuer: the app registration keeps ``accessTokenAcceptedVersion`` at 1 so the
audience is the Application ID URI (docs/dashboards.md)."""


def tab_token(
    keys: FakeBotFrameworkKeys,
    *,
    object_id: str,
    now: datetime,
    email: str | None = None,
    audience: str = AUDIENCE,
    issuer: str = ISSUER,
    tenant_id: str = TENANT_ID,
    scope: str = "access_as_user",
    lifetime: timedelta = timedelta(hours=1),
    key: SigningKeyPair | None = None,
    kid: str | None = None,
) -> str:
    """A token as Entra ID issues it to the Teams client for the qop tab."""
    key = key or keys.published[0]
    claims: dict[str, Any] = {
        "aud": audience,
        "iss": issuer,
        "tid": tenant_id,
        "oid": object_id,
        "scp": scope,
        "nbf": int((now - timedelta(minutes=1)).timestamp()),
        "iat": int((now - timedelta(minutes=1)).timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "ver": "1.0",
    }
    if email:
        claims["upn"] = email
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": kid or key.kid})
