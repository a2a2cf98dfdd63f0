"""Secrets for feedback: link tokens (only their hash is stored) and keyed signatures."""

from __future__ import annotations

import hashlib
import hmac
import secrets

LINK_TOKEN_BYTES = 32


def new_link_token() -> str:
    """A URL-safe token carrying 32 random bytes (256 bits)."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps instead of the token: a leaked table opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return 40 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


class Signer:
    """HMAC-SHA256 over labelled parts, with a secret from the settings."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, *parts: object) -> str:
        message = "\x1f".join(str(part) for part in parts).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, signature: str, *parts: object) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())
