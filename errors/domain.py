"""Expected failures. Each carries the `extensions.code` clients match on.

Messages never echo more than a short prefix of user input.
"""

from __future__ import annotations

from typing import ClassVar

MAX_ECHO = 40


def echo(text: str) -> str:
    """User input shortened for an error message."""
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


class DomainError(Exception):
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidArgument(DomainError):
    code = "BAD_USER_INPUT"


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"


class InvalidId(DomainError):
    code = "INVALID_ID"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class CacheUnavailable(DomainError):
    """The response cache's backend failed an operator's request (Redis down, say)."""

    code = "CACHE_UNAVAILABLE"
