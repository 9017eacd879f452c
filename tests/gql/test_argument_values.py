"""Argument values GraphQL accepts but no backend can bind: BAD_USER_INPUT, not a 500."""

from __future__ import annotations

import pytest

from tests.gql.client import GraphQLClient
from tests.gql.ids import global_id

TRIPS = "query($f: TripFilter) { trips(filter: $f) { totalCount nodes { id } } }"
DRIVER_TRIPS = (
    f'query($f: TripFilter) {{ driver(id: "{global_id("Driver", 1)}")'
    " { trips(filter: $f) { totalCount nodes { id } } } }"
)
DRIVERS = "query($f: DriverFilter) { drivers(filter: $f) { totalCount nodes { id } } }"
LEADERBOARD = (
    f'query($r: String) {{ leaderboard(seasonId: "{global_id("Season", 1)}", region: $r)'
    " { totalCount nodes { rank } } }"
)


@pytest.mark.parametrize("query", [TRIPS, DRIVER_TRIPS])
@pytest.mark.parametrize("field", ["startedAfter", "startedBefore"])
@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T00:00:00",  # no offset: which instant?
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-12:00",  # after year 9999 in UTC
    ],
)
async def test_unusable_filter_times(
    gql: GraphQLClient, query: str, field: str, value: str
) -> None:
    [error] = await gql.errors(query, {"f": {field: value}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert field in error["message"]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"])
async def test_extreme_but_valid_filter_times(gql: GraphQLClient, value: str) -> None:
    data = await gql.data(TRIPS, {"f": {"startedAfter": value}})
    assert data["trips"]["totalCount"] >= 0


@pytest.mark.parametrize("field", ["region", "nameContains"])
async def test_nul_in_driver_filter_text(gql: GraphQLClient, field: str) -> None:
    [error] = await gql.errors(DRIVERS, {"f": {field: "a\u0000b"}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_nul_in_leaderboard_region(gql: GraphQLClient) -> None:
    [error] = await gql.errors(LEADERBOARD, {"r": "north\u0000"})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { driver(id: $id) { id } }", {"id": 7.5}),
        ("query($n: Int) { drivers(first: $n) { totalCount } }", {"n": "ten"}),
        (TRIPS, {"f": {"startedAfter": "not a time"}}),
    ],
)
async def test_variables_a_type_refuses(gql: GraphQLClient, query: str, variables: dict) -> None:  # type: ignore[type-arg]
    """The client's mistake in graphql-core's words, not a masked internal error."""
    [error] = await gql.errors(query, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("Variable '$")
    assert "reference" not in error["extensions"]
