"""Argument values every backend can bind, refused as BAD_USER_INPUT otherwise.

GraphQL accepts them, but a DateTime without an offset, one that overflows
when moved to UTC, or text holding NUL (which PostgreSQL cannot store) would
otherwise fail inside the driver as an internal error, or differently per
backend.
"""

from __future__ import annotations

from datetime import UTC, datetime

from errors import InvalidArgument


def instant(name: str, value: datetime | None) -> datetime | None:
    """`value` in UTC; InvalidArgument when it has no offset or cannot be represented."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"`{name}` needs a UTC offset, e.g. 2026-01-01T00:00:00+00:00")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidArgument(f"`{name}` is out of range") from None


def text(name: str, value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise InvalidArgument(f"`{name}` must not contain NUL characters")
    return value
