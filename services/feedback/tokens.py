"""Secrets for feedback: link tokens (only their hash is stored) and keyed signatures."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

LINK_TOKEN_BYTES = 32


def new_link_token() -> str:
    """A URL-safe token carrying 32 random bytes (256 bits)."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps instead of the token: a leaked table opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return 40 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


class HashedLink(Protocol):
    """A stored link: only its token's hash is kept."""

    @property
    def token_hash(self) -> str: ...


Link = TypeVar("Link", bound=HashedLink)


async def find_link(token: str, by_hash: Callable[[str], Awaitable[Link | None]]) -> Link | None:
    """The link ``by_hash`` finds for ``token``'s hash, or None for a malformed or unknown token.
    The lookup is by hash (nothing to learn from its timing); the hashes are compared again in
    constant time anyway."""
    if not looks_like_token(token):
        return None
    token_hash = hash_token(token)
    link = await by_hash(token_hash)
    if link is None or not hmac.compare_digest(link.token_hash, token_hash):
        return None
    return link


class Signer:
    """HMAC-SHA256 over labelled parts, with a secret from the settings."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, *parts: object) -> str:
        message = "\x1f".join(str(part) for part in parts).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, signature: str, *parts: object) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())
