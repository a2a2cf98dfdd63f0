"""Domain exceptions. The bot turns each into a clear card; none of them is a crash."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal a user can meet. ``user_message`` is safe to show them."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotAllowed(DomainError):
    """The person may not do this to this record."""


class NotFound(DomainError):
    """The record does not exist (or the person may not know it exists)."""


class InvalidInput(DomainError):
    """What was submitted cannot be accepted; ``field_errors`` say why, per field."""

    def __init__(self, user_message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(user_message)
        self.field_errors = field_errors or {}


class AlreadySubmitted(DomainError):
    """The same submission arrived twice; the first one stands."""
