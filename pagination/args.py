"""Connection arguments, validated once into a hashable `PageRequest`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from errors import InvalidArgument

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated page: `limit` rows seeking forward (or backward) from a cursor.

    `after`/`before` hold decoded sort values (sort key..., id). When both
    `first` and `last` are given, `first` bounds the window and `last` is
    taken from its end (Relay's algorithm), so `trim_last` is set.
    """

    limit: int
    backward: bool
    after: tuple[Any, ...] | None
    before: tuple[Any, ...] | None
    trim_last: int | None = None

    @property
    def shape(self) -> tuple[bool, bool, bool, int]:
        """What the SQL depends on: the cursor sides and direction (cursor values are
        bind parameters) and the page size (written into the SQL: `keyset.limit_of`)."""
        return (self.backward, self.after is not None, self.before is not None, self.limit)


def _check_size(name: str, value: int | None) -> None:
    if value is None:
        return
    if value < 0:
        raise InvalidArgument(f"`{name}` must not be negative (got {value})")
    if value > MAX_PAGE_SIZE:
        raise InvalidArgument(f"`{name}` must be at most {MAX_PAGE_SIZE} (got {value})")


def page_request(
    first: int | None,
    last: int | None,
    after: tuple[Any, ...] | None,
    before: tuple[Any, ...] | None,
) -> PageRequest:
    _check_size("first", first)
    _check_size("last", last)
    if first is not None:
        return PageRequest(
            limit=first,
            backward=False,
            after=after,
            before=before,
            trim_last=last if last is not None and last < first else None,
        )
    if last is not None:
        return PageRequest(limit=last, backward=True, after=after, before=before)
    # Neither: a default-size page from the side the cursor points away from.
    backward = before is not None and after is None
    return PageRequest(limit=DEFAULT_PAGE_SIZE, backward=backward, after=after, before=before)
