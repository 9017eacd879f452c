"""Property: walking any connection with any page size yields every row once, in order.

Forward with `first: k, after: endCursor`, backward with `last: k, before:
startCursor`, for k in 1..100; the expected order is computed in Python from
the seeded rows (ties in the sort key broken by id).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.gql.client import GraphQLClient
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id, pk_of
from tests.pagination.walk import assert_walks, connection

PAGE_SIZES = st.integers(min_value=1, max_value=100)
WALK = settings(max_examples=10, deadline=None)


def orders(fields: list[str], default: str) -> list[tuple[str | None, str]]:
    """(field, direction) for every field both ways; (None, default) for no orderBy."""
    return [(None, default)] + [(f, d) for f in fields for d in ("ASC", "DESC")]


@pytest.mark.parametrize(
    ("field", "direction"), orders(["NAME", "CREATED_AT", "RISK_SCORE"], "ASC")
)
@WALK
@given(k=PAGE_SIZES)
async def test_drivers(
    gql: GraphQLClient, dataset: Dataset, field: str | None, direction: str, k: int
) -> None:
    """No orderBy: by id."""
    order = None if field is None else {"field": field, "direction": direction}
    descending = direction == "DESC"
    target = connection(
        "drivers",
        declarations=", $orderBy: DriverOrder",
        arguments=", orderBy: $orderBy",
        variables={"orderBy": order},
    )
    expected = [global_id("Driver", d["id"]) for d in dataset.drivers_ordered(field, descending)]
    await assert_walks(gql, target, k, expected)


@pytest.mark.parametrize(
    ("field", "direction"), orders(["STARTED_AT", "DISTANCE", "SAFETY_SCORE"], "DESC")
)
@WALK
@given(k=PAGE_SIZES, driver_index=st.integers(0, 10**6))
async def test_driver_trips(
    gql: GraphQLClient,
    dataset: Dataset,
    field: str | None,
    direction: str,
    k: int,
    driver_index: int,
) -> None:
    """No orderBy: newest first."""
    descending = direction == "DESC"
    driver = dataset.drivers[driver_index % len(dataset.drivers)]
    order = None if field is None else {"field": field, "direction": direction}
    target = connection(
        "trips",
        declarations=", $id: ID!, $orderBy: TripOrder",
        arguments=", orderBy: $orderBy",
        parent=("driver", "id: $id"),
        variables={"id": global_id("Driver", driver["id"]), "orderBy": order},
    )
    rows = dataset.trips_ordered(field or "STARTED_AT", descending, driver_id=driver["id"])
    await assert_walks(gql, target, k, [global_id("Trip", t["id"]) for t in rows])


@WALK
@given(k=st.integers(min_value=1, max_value=10), trip_index=st.integers(0, 10**6))
async def test_trip_safety_events(
    gql: GraphQLClient, dataset: Dataset, k: int, trip_index: int
) -> None:
    # Trips hold 0..6 events: small pages are the interesting ones.
    trip = dataset.trips[trip_index % len(dataset.trips)]
    target = connection(
        "safetyEvents",
        declarations=", $id: ID!",
        parent=("trip", "id: $id"),
        variables={"id": global_id("Trip", trip["id"])},
    )
    expected = [global_id("SafetyEvent", e["id"]) for e in dataset.events_of(trip["id"])]
    await assert_walks(gql, target, k, expected)


@WALK
@given(k=PAGE_SIZES)
async def test_seasons(gql: GraphQLClient, dataset: Dataset, k: int) -> None:
    target = connection("seasons", variables={})
    expected = [global_id("Season", s["id"]) for s in dataset.seasons_ordered()]
    await assert_walks(gql, target, k, expected)


@pytest.mark.parametrize("metric", ["SAFETY_SCORE", "DISTANCE", "TRIPS", "EVENTS_PER_100KM"])
@WALK
@given(k=PAGE_SIZES, season_index=st.integers(0, 3), region_index=st.integers(-1, 7))
async def test_leaderboard(
    gql: GraphQLClient,
    dataset: Dataset,
    metric: str,
    k: int,
    season_index: int,
    region_index: int,
) -> None:
    seasons = dataset.seasons_with_stats()
    season_id = seasons[season_index % len(seasons)]
    regions = dataset.regions()
    region = None if region_index < 0 else regions[region_index % len(regions)]
    target = connection(
        "leaderboard",
        declarations=", $season: ID, $metric: LeaderboardMetric!, $region: String",
        arguments=", seasonId: $season, metric: $metric, region: $region",
        selection="rank value driver { id }",
        key=lambda node: (pk_of(node["driver"]["id"], "Driver"), node["rank"], node["value"]),
        variables={"season": global_id("Season", season_id), "metric": metric, "region": region},
    )
    expected = [
        (e.driver_id, e.rank, e.value) for e in dataset.leaderboard(season_id, metric, region)
    ]
    await assert_walks(gql, target, k, expected)
