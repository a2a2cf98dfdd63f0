"""Teams tab single sign-on: the dashboard's ``Authorization: Bearer`` token from Entra ID.

The tab page asks Teams for a token (``authentication.getAuthToken``); Entra ID issues it for
the app's Application ID URI (``api://<host>/<app id>``) with the ``access_as_user`` scope. It is
checked with PyJWT by the same key-discovering validator the bot uses for Bot Framework tokens
(``bot.auth``), pointed at the tenant's OpenID metadata: RS256 signature by a published key,
audience = the Application ID URI, issuer = the tenant's (v1 or v2 form), expiry and not-before
with five minutes of skew; then the tenant id, the scope and the user's object id. Anything else
is ``Unauthorized``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.auth import BotFrameworkTokenValidator, Unauthorized
from qop.settings import Settings
from services.clock import Clock

SCOPE = "access_as_user"

__all__ = ["SCOPE", "EntraUser", "TabTokenValidator", "Unauthorized"]


@dataclass(frozen=True)
class EntraUser:
    object_id: str
    email: str | None
    """``preferred_username`` (v2) or ``upn`` (v1): used only for people imported without an object id."""


class TabTokenValidator:
    """Validates the tab's SSO tokens for one app in one tenant."""

    def __init__(self, *, audience: str, tenant_id: str, metadata_url: str, issuers: list[str], clock: Clock) -> None:
        self._tenant_id = tenant_id
        self._tokens = BotFrameworkTokenValidator(
            app_id=audience, metadata_url=metadata_url, issuers=issuers, clock=clock
        )

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> TabTokenValidator:
        return cls(
            audience=settings.dashboard_audience,
            tenant_id=settings.microsoft_app_tenant_id,
            metadata_url=settings.entra_metadata_url,
            issuers=settings.entra_issuers,
            clock=clock,
        )

    async def user(self, authorization: str | None) -> EntraUser:
        """The signed-in user named by a valid token; raises ``Unauthorized`` with the reason."""
        if not self._tenant_id:
            raise Unauthorized("MICROSOFT_APP_TENANT_ID is not set, so no tab token can be trusted")
        claims = (await self._tokens.authenticate(authorization)).claims
        if claims.get("tid") != self._tenant_id:
            raise Unauthorized("token is from another tenant")
        if SCOPE not in str(claims.get("scp", "")).split():
            raise Unauthorized(f"token does not carry the {SCOPE} scope")
        object_id = claims.get("oid")
        if not isinstance(object_id, str) or not object_id:
            raise Unauthorized("token names no user (oid)")
        email = claims.get("preferred_username") or claims.get("upn")
        return EntraUser(object_id=object_id, email=email if isinstance(email, str) else None)
