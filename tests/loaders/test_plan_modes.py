"""Which reads keep one generic plan and which are planned per execution
(docs/decisions/0017-read-plans.md): only statements whose parameters are keys,
the season or keyset cursors are plan-stable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import create_async_engine

from loaders.database import Database, Statement
from loaders.driver import ID, drivers
from loaders.driver_stats import SEASON
from loaders.filters import TripFilterSpec
from loaders.leaderboard import _page_query, leaderboard_ordering
from loaders.orderings import driver_ordering, trip_ordering
from loaders.trip import DRIVER_TRIPS
from models import Trip
from pagination import page_query, request_page
from pagination.children import lateral_pages
from pagination.keyset import apply_page

trips = Trip.__table__


@pytest.fixture(scope="module")
def db() -> Iterator[Database]:
    # Compiling needs the dialect only: nothing connects.
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    yield Database(engine)


def generic(db: Database, query: Any) -> bool:
    statement = Statement(query)
    db._compile(statement)
    return statement.generic


def test_keys_seasons_and_cursors_are_plan_stable(db: Database) -> None:
    ordering = driver_ordering("NAME", False)
    after = ordering.cursor_for(type("Row", (), {"name": "Ann", "id": 3})())
    paged = request_page(ordering, 10, after, None, None)
    assert generic(db, apply_page(select(drivers.c.id), ordering, paged))
    assert generic(db, select(drivers.c.name).where(drivers.c.id == ID))
    assert generic(db, select(drivers.c.id).where(drivers.c.id == SEASON))
    by_start = trip_ordering("STARTED_AT", True)
    lateral = lateral_pages(DRIVER_TRIPS, page_query(by_start, 10), True)
    assert generic(db, lateral)
    # A literal bound by the statement itself (the leaderboard's `+ 1`) is no client value.
    ranked = leaderboard_ordering(4, "SAFETY_SCORE", None)
    ranked_page = page_query(ranked, 50)
    assert generic(db, _page_query("SAFETY_SCORE", False, True, ranked_page, None, None))


def test_client_filter_values_are_planned_each_time(db: Database) -> None:
    spec = TripFilterSpec(started_after=datetime(2026, 11, 1, tzinfo=UTC))
    assert not generic(db, select(trips.c.id).where(*spec.clauses()))
    region = select(drivers.c.id).where(drivers.c.region == bindparam("region"))
    assert not generic(db, region)
    by_start = trip_ordering("STARTED_AT", True)
    filtered = lateral_pages(DRIVER_TRIPS, page_query(by_start, 10, filter=spec))
    assert not generic(db, filtered)
