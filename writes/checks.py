"""Field checks shared by the write use cases; each returns its problems.

Text is stored stripped of surrounding whitespace, so every check looks at
the stripped value. Length limits come from the columns themselves.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Column, String

from errors.domain import echo
from writes.errors import Code, FieldPath, Problem

# Deliberately loose: one @, no whitespace, a dot in the domain. Deliverability
# is the mail system's business; this only catches what is plainly not an address.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# C0 controls and DEL (PostgreSQL text cannot even hold NUL).
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def max_length(column: Column[Any]) -> int:
    column_type = column.type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


def text(field: FieldPath, value: str, column: Column[Any]) -> list[Problem]:
    """A required text field: not blank, within the column's length."""
    stripped = value.strip()
    if not stripped:
        return [Problem(field, f"{field[-1]} must not be blank", Code.BLANK)]
    limit = max_length(column)
    if len(stripped) > limit:
        return [Problem(field, f"{field[-1]} is longer than {limit} characters", Code.TOO_LONG)]
    return []


def key(field: FieldPath, value: str, column: Column[Any]) -> list[Problem]:
    """An opaque client key (an idempotency key): kept exactly as sent, so only its
    length (1..the column's) and the absence of control characters are checked."""
    limit = max_length(column)
    if not 1 <= len(value) <= limit:
        message = f"{field[-1]} must be 1 to {limit} characters long"
        return [Problem(field, message, Code.BLANK if not value else Code.TOO_LONG)]
    if CONTROL.search(value):
        message = f"{field[-1]} must not contain control characters"
        return [Problem(field, message, Code.INVALID_CHARACTERS)]
    return []


def email(field: FieldPath, value: str, column: Column[Any]) -> list[Problem]:
    problems = text(field, value, column)
    if not problems and not EMAIL.fullmatch(value.strip()):
        message = f"{echo(value.strip())!r} is not an email address"
        problems.append(Problem(field, message, Code.INVALID_EMAIL))
    return problems


def within(field: FieldPath, value: float, low: float, high: float) -> list[Problem]:
    """`low <= value <= high`."""
    if low <= value <= high:
        return []
    return [Problem(field, f"{field[-1]} must be within {low:g}..{high:g}", Code.OUT_OF_RANGE)]


def aware(field: FieldPath, value: datetime) -> list[Problem]:
    """Timestamps must carry their UTC offset: a naive one is refused, not guessed."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return []
    message = f"{field[-1]} needs a UTC offset, e.g. 2026-11-22T09:15:00+00:00"
    return [Problem(field, message, Code.INVALID_DATETIME)]
