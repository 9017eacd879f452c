"""`trip` / `trips`, Trip fields and Trip.safetyEvents, checked against the seeded rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.gql.client import GraphQLClient
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id
from tests.pagination.walk import assert_walks, connection

TRIP = """
query($id: ID!) {
  trip(id: $id) {
    id startedAt endedAt distanceKm durationSeconds safetyScore
    driver { id name } vehicle { id plate }
  }
}
"""
TRIPS = """
query($filter: TripFilter, $orderBy: TripOrder, $first: Int) {
  trips(first: $first, filter: $filter, orderBy: $orderBy) {
    totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage }
  }
}
"""
EVENTS = """
query($after: String) {
  trips(first: 100, after: $after, orderBy: {field: STARTED_AT, direction: ASC}) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      safetyEvents {
        totalCount
        nodes { id kind severity occurredAt trip { id } }
        pageInfo { hasNextPage hasPreviousPage }
      }
    }
  }
}
"""


def trip_ids(rows: list[dict[str, Any]]) -> list[str]:
    return [global_id("Trip", row["id"]) for row in rows]


async def test_trip_fields(gql: GraphQLClient, dataset: Dataset) -> None:
    for row in dataset.trips[::37]:
        driver = dataset.driver(row["driver_id"])
        vehicle = None if row["vehicle_id"] is None else dataset.vehicle(row["vehicle_id"])
        trip = (await gql.data(TRIP, {"id": global_id("Trip", row["id"])}))["trip"]
        assert trip == {
            "id": global_id("Trip", row["id"]),
            "startedAt": row["started_at"].isoformat(),
            "endedAt": row["ended_at"].isoformat(),
            "distanceKm": row["distance_km"],
            "durationSeconds": row["duration_s"],
            "safetyScore": row["safety_score"],
            "driver": {"id": global_id("Driver", driver["id"]), "name": driver["name"]},
            "vehicle": vehicle
            and {"id": global_id("Vehicle", vehicle["id"]), "plate": vehicle["plate"]},
        }


async def test_timestamps_carry_an_offset(gql: GraphQLClient, dataset: Dataset) -> None:
    trip = (await gql.data(TRIP, {"id": global_id("Trip", dataset.trips[0]["id"])}))["trip"]
    assert trip["startedAt"].endswith("+00:00")
    assert datetime.fromisoformat(trip["startedAt"]) == dataset.trips[0]["started_at"]


async def test_trips_without_arguments_is_the_newest_page(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    conn = (await gql.data(TRIPS))["trips"]
    assert [n["id"] for n in conn["nodes"]] == trip_ids(dataset.trips_ordered())[:20]
    assert conn["totalCount"] == len(dataset.trips)
    assert conn["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False}


@pytest.mark.parametrize("field", ["STARTED_AT", "DISTANCE", "SAFETY_SCORE"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_trips_order_walks_the_whole_fleet(
    gql: GraphQLClient, dataset: Dataset, field: str, direction: str
) -> None:
    target = connection(
        "trips",
        declarations=", $orderBy: TripOrder",
        arguments=", orderBy: $orderBy",
        variables={"orderBy": {"field": field, "direction": direction}},
    )
    expected = trip_ids(dataset.trips_ordered(field, direction == "DESC"))
    await assert_walks(gql, target, 100, expected)


async def test_trip_order_direction_defaults_to_descending(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    conn = (await gql.data(TRIPS, {"orderBy": {"field": "DISTANCE"}, "first": 100}))["trips"]
    expected = trip_ids(dataset.trips_ordered("DISTANCE", True))[:100]
    assert [n["id"] for n in conn["nodes"]] == expected


def _filters(dataset: Dataset) -> list[dict[str, Any]]:
    starts = sorted(t["started_at"] for t in dataset.trips)
    distances = sorted(t["distance_km"] for t in dataset.trips)
    return [
        {"startedAfter": starts[-50]},
        {"startedAfter": starts[-50], "startedBefore": starts[-10]},
        {"startedBefore": starts[30]},
        {"startedAfter": starts[100]},  # exactly a trip's start: inclusive
        {"startedBefore": starts[100]},  # exclusive
        {"minDistanceKm": distances[-40]},  # exactly a distance: inclusive
        {"minDistanceKm": distances[-40], "startedBefore": starts[300]},
        {"minDistanceKm": 1e9},
    ]


async def test_trips_filters(gql: GraphQLClient, dataset: Dataset) -> None:
    for spec in _filters(dataset):
        variables = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in spec.items()}
        order = {"field": "STARTED_AT", "direction": "ASC"}
        conn = (await gql.data(TRIPS, {"filter": variables, "orderBy": order, "first": 100}))[
            "trips"
        ]
        rows = dataset.trips_ordered(
            "STARTED_AT",
            False,
            started_after=spec.get("startedAfter"),
            started_before=spec.get("startedBefore"),
            min_distance_km=spec.get("minDistanceKm"),
        )
        assert [n["id"] for n in conn["nodes"]] == trip_ids(rows)[:100], spec
        assert conn["totalCount"] == len(rows), spec
        assert conn["pageInfo"]["hasNextPage"] is (len(rows) > 100)


async def test_filter_times_in_other_offsets_mean_the_same_instant(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    start = sorted(t["started_at"] for t in dataset.trips)[-60]
    shifted = start.astimezone(datetime.fromisoformat("2026-01-01T00:00:00-05:00").tzinfo)
    counts = []
    for value in (start.isoformat(), shifted.isoformat()):
        conn = (await gql.data(TRIPS, {"filter": {"startedAfter": value}}))["trips"]
        counts.append(conn["totalCount"])
    assert counts == [60, 60]


async def test_safety_events_of_every_trip(gql: GraphQLClient, dataset: Dataset) -> None:
    after, nodes = None, []
    while True:
        conn = (await gql.data(EVENTS, {"after": after}))["trips"]
        nodes.extend(conn["nodes"])
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(nodes) == len(dataset.trips)
    for node, trip in zip(nodes, dataset.trips_ordered("STARTED_AT", False), strict=True):
        events = dataset.events_of(trip["id"])
        assert node["safetyEvents"] == {
            "totalCount": len(events),
            "nodes": [
                {
                    "id": global_id("SafetyEvent", e["id"]),
                    "kind": e["kind"],
                    "severity": e["severity"],
                    "occurredAt": e["occurred_at"].isoformat(),
                    "trip": {"id": global_id("Trip", trip["id"])},
                }
                for e in events
            ],
            "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
        }
    assert any(len(dataset.events_of(t["id"])) > 1 for t in dataset.trips)
