"""Inbound authentication in production: only the Bot Framework may post to /api/messages.

The SDK's own ``JwtTokenValidator`` hard-codes where signing keys come from, so it cannot
be pointed at another metadata document (a sovereign cloud, or a test's local server). This
small validator follows the Bot Framework connector authentication rules instead:

1. ``Authorization: Bearer <JWT>``, RS256, signed by a key published in the JWKS that the
   OpenID metadata document (``BotConfig.openid_metadata_url``) names;
2. issuer in ``BotConfig.token_issuers``, audience equal to the bot's app id, ``exp`` and
   ``nbf`` honoured with five minutes of clock skew;
3. the signing key's ``endorsements`` contain the activity's ``channelId``;
4. the token's ``serviceurl`` claim equals the activity's ``serviceUrl``.

Keys are cached for a day and fetched again when a token names a key we do not know
(Microsoft rolls keys without notice), at most once a minute so that made-up key ids
cannot turn the bot into a load generator against the key endpoint.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import jwt
from microsoft_agents.hosting.core import ClaimsIdentity

from bot.config import BotConfig
from services.clock import Clock

logger = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=5)
KEYS_TTL = timedelta(hours=24)
MIN_REFRESH_INTERVAL = timedelta(minutes=1)
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)
ALGORITHMS = ["RS256"]


class Unauthorized(Exception):
    """The request is not from the Bot Framework; the message is for the log, not the caller."""


@dataclass(frozen=True)
class SigningKey:
    key: jwt.PyJWK
    endorsements: tuple[str, ...] | None
    """Channels this key may sign for; None when the key document lists none."""


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature, issuer, audience and lifetime have been checked."""

    claims: dict[str, Any]
    raw: str
    signing_key: SigningKey

    def check_activity(self, *, channel_id: str | None, service_url: str | None) -> ClaimsIdentity:
        """Bind the token to the activity it came with; returns what the SDK's middleware
        would have put on the request."""
        endorsements = self.signing_key.endorsements
        if channel_id and (endorsements is None or channel_id not in endorsements):
            raise Unauthorized(f"signing key is not endorsed for channel {channel_id!r}")
        if service_url and _normalise_url(str(self.claims.get("serviceurl") or "")) != _normalise_url(service_url):
            raise Unauthorized("token serviceurl claim does not match the activity's serviceUrl")
        return ClaimsIdentity(dict(self.claims), authentication_type="Bearer", security_token=self.raw)


@dataclass
class _KeyCache:
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: datetime | None = None


class BotFrameworkTokenValidator:
    """Validates Bot Framework bearer tokens against keys discovered from OpenID metadata."""

    def __init__(self, *, app_id: str, metadata_url: str, issuers: list[str], clock: Clock) -> None:
        if not app_id:
            raise ValueError("production token validation needs the bot's app id")
        self._app_id = app_id
        self._metadata_url = metadata_url
        self._issuers = list(issuers)
        self._clock = clock
        self._cache = _KeyCache()
        self._lock = asyncio.Lock()

    async def authenticate(self, authorization: str | None) -> VerifiedToken:
        """Check the ``Authorization`` header; raises Unauthorized with the reason."""
        token = _bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"not a JWT: {error}") from error
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized(f"algorithm {header.get('alg')!r} is not accepted")
        signing_key = await self._key(str(header.get("kid") or ""))
        claims = self._decode(token, signing_key)
        return VerifiedToken(claims=claims, raw=token, signing_key=signing_key)

    def _decode(self, token: str, signing_key: SigningKey) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=signing_key.key,
                algorithms=ALGORITHMS,
                audience=self._app_id,
                issuer=self._issuers,
                # Lifetime is checked below against the injected clock, not the wall clock.
                options={"require": ["exp", "iss", "aud"], "verify_exp": False, "verify_nbf": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"token rejected: {error}") from error
        self._check_lifetime(claims)
        return claims

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        now = self._clock.now().timestamp()
        skew = CLOCK_SKEW.total_seconds()
        try:
            expires = float(claims["exp"])
            not_before = float(claims.get("nbf", now))
        except (TypeError, ValueError) as error:
            raise Unauthorized("token lifetime claims are not numbers") from error
        if now > expires + skew:
            raise Unauthorized("token has expired")
        if now < not_before - skew:
            raise Unauthorized("token is not valid yet")

    async def _key(self, kid: str) -> SigningKey:
        if not kid:
            raise Unauthorized("token names no signing key")
        async with self._lock:
            if self._keys_stale() or (kid not in self._cache.keys and self._may_refresh()):
                await self._refresh()
            key = self._cache.keys.get(kid)
        if key is None:
            raise Unauthorized("token is signed with an unknown key")
        return key

    def _keys_stale(self) -> bool:
        fetched = self._cache.fetched_at
        return fetched is None or self._clock.now() - fetched > KEYS_TTL

    def _may_refresh(self) -> bool:
        fetched = self._cache.fetched_at
        return fetched is None or self._clock.now() - fetched >= MIN_REFRESH_INTERVAL

    async def _refresh(self) -> None:
        try:
            keys = await fetch_signing_keys(self._metadata_url)
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
            # Keep the keys we had: a blip at the key endpoint must not lock everybody out.
            logger.warning("could not refresh Bot Framework signing keys: %s", error)
            if not self._cache.keys:
                raise Unauthorized("signing keys are unavailable") from error
            return
        self._cache = _KeyCache(keys=keys, fetched_at=self._clock.now())
        logger.info("loaded %d Bot Framework signing keys", len(keys))


async def fetch_signing_keys(metadata_url: str) -> dict[str, SigningKey]:
    """Read the OpenID metadata, then the JWKS it points to, keyed by key id."""
    async with aiohttp.ClientSession(timeout=FETCH_TIMEOUT) as session:
        metadata = await _get_json(session, metadata_url)
        jwks = await _get_json(session, str(metadata["jwks_uri"]))
    keys: dict[str, SigningKey] = {}
    for entry in jwks.get("keys") or []:
        if not isinstance(entry, dict) or not entry.get("kid"):
            continue
        try:
            key = jwt.PyJWK(entry, algorithm=entry.get("alg") or "RS256")
        except jwt.PyJWTError as error:
            logger.warning("skipping unusable signing key %s: %s", entry.get("kid"), error)
            continue
        endorsements = entry.get("endorsements")
        listed = tuple(str(e) for e in endorsements) if isinstance(endorsements, list) else None
        keys[str(entry["kid"])] = SigningKey(key=key, endorsements=listed)
    return keys


async def _get_json(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.json(content_type=None)
    if not isinstance(body, dict):
        raise ValueError(f"{url} did not return a JSON object")
    return body


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(char.isspace() for char in token):
        raise Unauthorized("Authorization header is not 'Bearer <token>'")
    return token


def _normalise_url(url: str) -> str:
    return url.strip().rstrip("/").casefold()


def build_token_validator(config: BotConfig, clock: Clock) -> BotFrameworkTokenValidator | None:
    """The validator production mode needs; None in local (playground) mode."""
    if config.local_mode:
        return None
    return BotFrameworkTokenValidator(
        app_id=config.app_id,
        metadata_url=config.openid_metadata_url,
        issuers=list(config.token_issuers),
        clock=clock,
    )
