"""Opaque cursors: urlsafe base64 of JSON `[tag, sort values..., id]`.

The tag names the connection and its ordering, so a cursor from another
connection or another `orderBy` is refused instead of silently mis-seeking.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from errors import InvalidCursor

MAX_CURSOR_LENGTH = 512
# Every integer sort key (ids, scores) is a 32-bit column: a value outside
# that range was never issued and would fail to bind on PostgreSQL.
INT_RANGE = range(-(2**31), 2**31)


def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(tag: str, values: Sequence[Any]) -> str:
    payload = orjson.dumps([tag, *(_to_json(v) for v in values)])
    return base64.urlsafe_b64encode(payload).decode("ascii")


def _coerce(raw: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(raw, str):
            raise TypeError
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise TypeError
        parsed.astimezone(UTC)  # OverflowError near year 1 / 9999: unbindable
        return parsed
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError
        return float(raw)
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw not in INT_RANGE:
            raise TypeError
        return raw
    if kind is str and isinstance(raw, str) and "\x00" in raw:
        raise TypeError  # PostgreSQL text cannot hold NUL
    if not isinstance(raw, kind):
        raise TypeError
    return raw


def decode_cursor(tag: str, cursor: str, kinds: Sequence[type]) -> tuple[Any, ...]:
    """Sort values of a cursor made by `encode_cursor(tag, ...)`, typed by `kinds`."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor("cursor is too long")
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InvalidCursor("cursor is not valid") from None
    if not isinstance(decoded, list) or len(decoded) != len(kinds) + 1 or decoded[0] != tag:
        raise InvalidCursor("cursor does not belong to this connection or ordering")
    try:
        return tuple(_coerce(raw, kind) for raw, kind in zip(decoded[1:], kinds, strict=True))
    except (TypeError, ValueError, OverflowError):
        raise InvalidCursor("cursor is not valid") from None
