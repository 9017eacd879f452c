"""One connection field's page as every layer takes it: a `PageQuery`.

Built once from the field's arguments (`page_query`: the ordering its
`orderBy` names, first/after/last/before validated against it, its filter),
then passed whole: resolvers, loaders and the planner never take connection
arguments one by one. Hashable: a loader key, and a statement's shape.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select

from bounded import BoundedLRU, budget, client_bytes
from pagination.args import PageRequest, page_request
from pagination.keyset import Ordering, Page, apply_page, make_page

RowT = TypeVar("RowT")


class PageFilter(Hashable, Protocol):
    """A connection's filter: WHERE clauses over bind parameters whose set depends
    only on `shape`, and their values (`params`)."""

    @property
    def shape(self) -> tuple[bool, ...]: ...

    def clauses(self) -> list[ColumnElement[bool]]: ...

    def params(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class PageQuery:
    """Which rows a connection pages through and which page: `ordering` (its keyset),
    `request` (first/after/last/before, validated: size, direction, decoded cursors),
    `filter` (None: every row)."""

    ordering: Ordering
    request: PageRequest
    filter: PageFilter | None = None

    @property
    def shape(self) -> Hashable:
        """What its SQL depends on (values are bind parameters): a statement cache key."""
        return (self.ordering, self.request.shape, self.filter_shape)

    @property
    def filter_shape(self) -> tuple[bool, ...]:
        return () if self.filter is None else self.filter.shape

    def filter_clauses(self) -> list[ColumnElement[bool]]:
        return [] if self.filter is None else self.filter.clauses()

    def params(self) -> dict[str, Any]:
        """The bind parameters of the filter and the cursors."""
        seek = self.ordering.seek_params(self.request)
        return seek if self.filter is None else {**self.filter.params(), **seek}

    def apply(self, query: Select[Any]) -> Select[Any]:
        """`query` filtered, sought, ordered and limited to `limit + 1` rows."""
        return apply_page(query.where(*self.filter_clauses()), self.ordering, self.request)

    def page(self, fetched: Sequence[RowT]) -> Page[RowT]:
        """The page of `limit + 1` rows fetched in fetch order (see `make_page`)."""
        return make_page(fetched, self.ordering, self.request)


@dataclass(frozen=True, slots=True)
class PageWindow:
    """first/after/last/before of a connection whose ordering is known only later
    (a leaderboard's belongs to the season its resolver finds): `query(ordering)`."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def query(self, ordering: Ordering, filter: PageFilter | None = None) -> PageQuery:
        return page_query(ordering, self.first, self.after, self.last, self.before, filter)


# Page queries remembered: the same arguments recur on every parent of a level (the
# reference executor builds one per parent). Cursors (at most MAX_CURSOR_LENGTH), the
# ordering's tag (a leaderboard's names its region) and filters come from clients:
# bounded in entries and bytes.
_Key = tuple[Ordering, int | None, str | None, int | None, str | None, PageFilter | None]
_requests: BoundedLRU[_Key, PageQuery] = BoundedLRU(
    4096, budget.PAGE_REQUESTS, max_entry_bytes=8 * 1024, weigh=lambda key, _: _key_bytes(key)
)


def page_query(
    ordering: Ordering,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    filter: PageFilter | None = None,
) -> PageQuery:
    """Validate a connection field's arguments (sizes, cursors) against its ordering."""
    key = (ordering, first, after, last, before, filter)
    found = _requests.get(key)
    if found is None:
        request = page_request(first, last, ordering.decode(after), ordering.decode(before))
        found = PageQuery(ordering, request, filter)
        _requests.put(key, found)
    return found


def request_page(
    ordering: Ordering,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> PageRequest:
    """The validated window alone (no filter)."""
    return page_query(ordering, first, after, last, before).request


def _key_bytes(key: _Key) -> int:
    """The key's text (its tag, cursors and filter values) twice: the query holds the
    decoded values."""
    ordering, *arguments, filter_ = key
    values = () if filter_ is None else _values(filter_)
    return 2 * (client_bytes(ordering.tag) + client_bytes(tuple(arguments)) + client_bytes(values))


def _values(filter_: PageFilter) -> tuple[Any, ...]:
    if dataclasses.is_dataclass(filter_):
        return tuple(getattr(filter_, field.name) for field in dataclasses.fields(filter_))
    return ()
