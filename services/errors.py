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


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (not a bad statement or
    value): a passing fault to wait out, found anywhere in the exception's chain."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 10:
        if isinstance(current, OperationalError | InterfaceError):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        seen.append(current)
        current = current.__cause__ or current.__context__
    return False
