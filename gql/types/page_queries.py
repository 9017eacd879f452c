"""Each connection field's arguments, turned once into the `PageQuery` every layer takes.

The reference executor's resolvers pass their Python arguments; the planner
passes the field's coerced GraphQL arguments (`..._of(args)`). Both end in the
same builder, so both page alike. `page_query` remembers what it validated:
the same arguments on every parent of a level cost one lookup each.
"""

from __future__ import annotations

from gql.types.inputs import (
    DriverOrder,
    TripOrder,
    driver_filter_of,
    driver_order,
    driver_order_of,
    trip_filter_of,
    trip_order,
    trip_order_of,
)
from loaders.filters import DriverFilterSpec, TripFilterSpec
from loaders.orderings import SAFETY_EVENT_ORDERING, SEASON_ORDERING, driver_ordering, trip_ordering
from pagination import PageQuery, PageWindow, page_query
from planner.fields import Arguments


def driver_page(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    spec: DriverFilterSpec | None,
    order_by: DriverOrder | None,
) -> PageQuery:
    ordering = driver_ordering(*driver_order(order_by))
    return page_query(ordering, first, after, last, before, spec)


def trip_page(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    spec: TripFilterSpec | None,
    order_by: TripOrder | None,
) -> PageQuery:
    ordering = trip_ordering(*trip_order(order_by))
    return page_query(ordering, first, after, last, before, spec)


def safety_event_page(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageQuery:
    return page_query(SAFETY_EVENT_ORDERING, first, after, last, before)


def season_page(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageQuery:
    return page_query(SEASON_ORDERING, first, after, last, before)


# -- from the planner's coerced arguments (by GraphQL name)


def driver_page_of(args: Arguments) -> PageQuery:
    filter_ = driver_filter_of(args.get("filter"))
    spec = None if filter_ is None else filter_.spec()
    order_by = driver_order_of(args.get("orderBy"))
    return driver_page(*_window(args), spec, order_by)


def trip_page_of(args: Arguments) -> PageQuery:
    filter_ = trip_filter_of(args.get("filter"))
    spec = None if filter_ is None else filter_.spec()
    order_by = trip_order_of(args.get("orderBy"))
    return trip_page(*_window(args), spec, order_by)


def safety_event_page_of(args: Arguments) -> PageQuery:
    return safety_event_page(*_window(args))


def season_page_of(args: Arguments) -> PageQuery:
    return season_page(*_window(args))


def page_window_of(args: Arguments) -> PageWindow:
    """A connection's window whose ordering its resolver picks (the leaderboard's)."""
    return PageWindow(*_window(args))


def _window(args: Arguments) -> tuple[int | None, str | None, int | None, str | None]:
    return args.get("first"), args.get("after"), args.get("last"), args.get("before")
