"""Local stand-ins for the two Microsoft identity services a production bot talks to.

- ``FakeBotFrameworkKeys``: login.botframework.com's OpenID metadata and JWKS, served on
  127.0.0.1, plus a signer that issues Bot Framework-shaped tokens with its keys.
- ``FakeEntraConnections``: Entra ID's token endpoint (outbound tokens for replies), which
  MSAL would otherwise call on the internet; it hands out one recognisable token.

Like the fake Bot Connector, they stand in for the Teams cloud only; qop's own code runs
unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.connections import LocalConnections, PlaceholderTokenProvider

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
OUTBOUND_TOKEN = "token-from-the-local-entra-stand-in"


@dataclass
class SigningKeyPair:
    kid: str
    private_key: rsa.RSAPrivateKey
    endorsements: list[str] | None

    @classmethod
    def generate(cls, *, endorsements: list[str] | None = None, kid: str | None = None) -> SigningKeyPair:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid or f"test-key-{uuid.uuid4().hex[:8]}", private_key, endorsements)

    def jwk(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        public.update(kid=self.kid, use="sig", alg="RS256")
        if self.endorsements is not None:
            public["endorsements"] = self.endorsements
        return public


@dataclass
class FakeBotFrameworkKeys:
    """Publishes ``published`` keys; ``sign`` makes tokens with any key (published or not)."""

    published: list[SigningKeyPair] = field(default_factory=lambda: [SigningKeyPair.generate(endorsements=["msteams"])])
    metadata_requests: int = 0
    _server: TestServer | None = None

    @property
    def metadata_url(self) -> str:
        return self._url("/v1/.well-known/openidconfiguration")

    def _url(self, path: str) -> str:
        assert self._server is not None, "start() first"
        return str(self._server.make_url(path))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "jwks_uri": self._url("/v1/.well-known/keys"),
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        return web.json_response({"keys": [key.jwk() for key in self.published]})

    def sign(
        self,
        *,
        audience: str,
        service_url: str,
        now: datetime,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        key: SigningKeyPair | None = None,
        lifetime: timedelta = timedelta(hours=1),
        kid: str | None = None,
    ) -> str:
        """A token as the Bot Framework issues it to a bot, valid from ``now``."""
        key = key or self.published[0]
        claims = {
            "serviceurl": service_url,
            "nbf": int((now - timedelta(minutes=1)).timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "iss": issuer,
            "aud": audience,
        }
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": kid or key.kid})


def fake_entra_connections() -> LocalConnections:
    """Outbound tokens for replies, as Entra ID would issue them, without the internet."""
    return LocalConnections(PlaceholderTokenProvider(OUTBOUND_TOKEN))


class _UnreachableTokenProvider(PlaceholderTokenProvider):
    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        raise ValueError("Failed to acquire token: login.microsoftonline.com did not answer")


def unreachable_entra_connections() -> LocalConnections:
    """Entra ID down: every outbound token request fails, as MSAL's does."""
    return LocalConnections(_UnreachableTokenProvider())
