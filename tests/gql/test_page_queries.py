"""Both executors build a connection's PageQuery through the same builder
(gql/types/page_queries.py): the planner's coerced arguments give the very
value the reference executor's resolver arguments give."""

from __future__ import annotations

from gql.types.enums import OrderDirection, TripOrderField
from gql.types.inputs import TripFilter, TripOrder
from gql.types.page_queries import (
    page_window_of,
    safety_event_page,
    safety_event_page_of,
    season_page,
    season_page_of,
    trip_page,
    trip_page_of,
)
from loaders.filters import TripFilterSpec
from loaders.orderings import trip_ordering
from pagination import PageWindow


def test_trip_pages_agree() -> None:
    spec = TripFilter(min_distance_km=3.0).spec()
    order = TripOrder(field=TripOrderField.DISTANCE, direction=OrderDirection.DESC)
    reference = trip_page(5, None, None, None, spec, order)
    args = {
        "first": 5,
        "filter": {"minDistanceKm": 3.0},
        "orderBy": {"field": TripOrderField.DISTANCE, "direction": OrderDirection.DESC},
    }
    assert trip_page_of(args) is reference
    assert reference.ordering == trip_ordering("DISTANCE", True)
    assert reference.filter == TripFilterSpec(min_distance_km=3.0)


def test_unfiltered_pages_agree() -> None:
    assert safety_event_page_of({"last": 3}) is safety_event_page(None, None, 3, None)
    assert season_page_of({}) is season_page(None, None, None, None)


def test_the_leaderboard_window_from_coerced_arguments() -> None:
    assert page_window_of({"first": 2, "after": "c"}) == PageWindow(2, "c", None, None)
