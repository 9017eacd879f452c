"""pagination.query: a connection field's PageQuery (ordering, window, filter)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from loaders.filters import DriverFilterSpec, TripFilterSpec
from loaders.orderings import driver_ordering, trip_ordering
from loaders.trip import DRIVER_TRIPS, trips
from pagination import PageQuery, PageWindow, encode_cursor, page_query
from pagination.children import counted_children
from pagination.query import _key_bytes

BY_START = trip_ordering("STARTED_AT", False)
SPEC = TripFilterSpec(min_distance_km=5.0)


def test_built_once_and_remembered_with_its_filter() -> None:
    query = page_query(BY_START, 10, filter=SPEC)
    assert query == PageQuery(BY_START, query.request, SPEC)
    assert query.request.limit == 10 and not query.request.backward
    assert page_query(BY_START, 10, filter=TripFilterSpec(min_distance_km=5.0)) is query
    assert page_query(BY_START, 10) is not query


def test_shape_follows_the_sql_not_the_values() -> None:
    cursor = encode_cursor(BY_START.tag, [datetime(2026, 1, 1, tzinfo=UTC).isoformat(), 7])
    after = page_query(BY_START, 10, cursor, filter=SPEC)
    other = page_query(BY_START, 10, cursor, filter=TripFilterSpec(min_distance_km=9.0))
    assert after.shape == other.shape
    assert after.shape != page_query(BY_START, 10, filter=SPEC).shape  # no cursor
    assert after.shape != page_query(BY_START, 11, cursor, filter=SPEC).shape  # size is in SQL


def test_params_hold_the_filter_and_the_cursor_values() -> None:
    cursor = encode_cursor(BY_START.tag, [datetime(2026, 1, 1, tzinfo=UTC).isoformat(), 7])
    params = page_query(BY_START, 10, cursor, filter=SPEC).params()
    assert params["min_distance_km"] == 5.0
    assert params["after_1"] == 7
    assert page_query(BY_START, 10).params() == {}


def test_apply_filters_seeks_and_limits() -> None:
    sql = str(page_query(BY_START, 10, filter=SPEC).apply(select(trips.c.id)))
    assert "distance_km >=" in sql and "ORDER BY" in sql and "LIMIT" in sql


def test_page_turns_fetched_rows_into_a_page() -> None:
    page = page_query(BY_START, 2).page([1, 2, 3])
    assert (list(page.rows), page.has_next_page, page.has_previous_page) == ([1, 2], True, False)


def test_client_filter_text_weighs_in_the_memo() -> None:
    name = "x" * 4000
    key = (driver_ordering("NAME", False), 3, None, None, None)
    assert _key_bytes((*key, DriverFilterSpec(name_contains=name))) > 2 * len(name)
    assert _key_bytes((*key, None)) < len(name)


def test_counted_children_groups_by_parent_under_the_filter() -> None:
    sql = str(counted_children(DRIVER_TRIPS, trips.c.driver_id.in_([1, 2]), SPEC))
    assert "GROUP BY trips.driver_id" in sql and "distance_km >=" in sql


def test_a_window_becomes_a_query_once_its_ordering_is_known() -> None:
    assert PageWindow(5, None, None, None).query(BY_START) is page_query(BY_START, 5)
    assert PageWindow(last=2).query(BY_START, SPEC) is page_query(
        BY_START, None, None, 2, None, SPEC
    )
