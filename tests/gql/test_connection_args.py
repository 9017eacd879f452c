"""Connection arguments on every connection: size limits, cursor validation, windows."""

from __future__ import annotations

import base64
import json

import pytest

from tests.gql.client import GraphQLClient
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id

PAGE = "(first: $first, after: $after, last: $last, before: $before)"
VARS = "$first: Int, $after: String, $last: Int, $before: String"
SEASON = global_id("Season", 2)
CONNECTIONS = {
    "drivers": f"query({VARS}) {{ c: drivers{PAGE} {{ edges {{ cursor }} }} }}",
    "trips": f"query({VARS}) {{ c: trips{PAGE} {{ edges {{ cursor }} }} }}",
    "seasons": f"query({VARS}) {{ c: seasons{PAGE} {{ edges {{ cursor }} }} }}",
    "leaderboard": (
        f'query({VARS}) {{ c: leaderboard(seasonId: "{SEASON}", first: $first, after: $after,'
        " last: $last, before: $before) { edges { cursor } } }"
    ),
    "Driver.trips": (
        f'query({VARS}) {{ driver(id: "{global_id("Driver", 1)}") {{ c: trips{PAGE}'
        " { edges { cursor } } } }"
    ),
    "Trip.safetyEvents": (
        f'query({VARS}) {{ trip(id: "{global_id("Trip", 1)}") {{ c: safetyEvents{PAGE}'
        " { edges { cursor } } } }"
    ),
}


def raw_cursor(payload: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


async def cursors(gql: GraphQLClient, name: str, first: int = 3) -> list[str]:
    data = await gql.data(CONNECTIONS[name], {"first": first})
    conn = data["c"] if "c" in data else next(iter(data.values()))["c"]
    return [edge["cursor"] for edge in conn["edges"]]


@pytest.mark.parametrize("name", list(CONNECTIONS))
@pytest.mark.parametrize("argument", ["first", "last"])
async def test_page_size_above_the_limit_names_it(
    gql: GraphQLClient, name: str, argument: str
) -> None:
    [error] = await gql.errors(CONNECTIONS[name], {argument: 101})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert argument in error["message"] and "100" in error["message"]


@pytest.mark.parametrize("name", list(CONNECTIONS))
@pytest.mark.parametrize("argument", ["first", "last"])
async def test_negative_page_size_is_refused(gql: GraphQLClient, name: str, argument: str) -> None:
    [error] = await gql.errors(CONNECTIONS[name], {argument: -1})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert argument in error["message"]


@pytest.mark.parametrize("name", list(CONNECTIONS))
async def test_page_size_at_the_limit_and_zero(gql: GraphQLClient, name: str) -> None:
    assert len(await cursors(gql, name, first=100)) <= 100
    assert await cursors(gql, name, first=0) == []


@pytest.mark.parametrize("name", list(CONNECTIONS))
async def test_tampered_cursors_are_invalid(gql: GraphQLClient, name: str) -> None:
    [cursor, *_] = await cursors(gql, name, first=1)
    payload = json.loads(base64.urlsafe_b64decode(cursor))
    tampered = [
        cursor[:-3] + "!!!",
        cursor[: len(cursor) // 2],
        "not a cursor",
        raw_cursor([*payload, 1]),  # one value too many
        raw_cursor(payload[:-1]),  # one value too few
        raw_cursor([*payload[:-1], "1"]),  # id as a string
        raw_cursor([*payload[:-1], True]),
        raw_cursor([*payload[:-1], 2**40]),  # beyond any 32-bit id
        raw_cursor(["x" + payload[0], *payload[1:]]),  # another tag
        cursor + "A" * 600,
    ]
    for bad in tampered:
        for argument in ("after", "before"):
            codes = await gql.error_codes(CONNECTIONS[name], {argument: bad, "first": 2})
            assert codes == ["INVALID_CURSOR"], (bad, argument)


@pytest.mark.parametrize(
    "timestamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-01-01T00:00:00"]
)
async def test_unusable_timestamps_in_cursors_are_invalid(
    gql: GraphQLClient, timestamp: str
) -> None:
    query = """query($after: String) {
      drivers(first: 2, after: $after, orderBy: {field: CREATED_AT}) { nodes { id } }
    }"""
    cursor = raw_cursor(["Driver:CREATED_AT:A", timestamp, 1])
    assert await gql.error_codes(query, {"after": cursor}) == ["INVALID_CURSOR"]


def _other_connection_cases() -> list[tuple[str, str, str, str]]:
    """(where the cursor comes from, its ordering arguments, where it is used, with what)."""
    season_1 = global_id("Season", 1)
    return [
        ("drivers", "", "seasons", ""),
        ("seasons", "", "drivers", ""),
        ("drivers", "", "trips", ""),
        ("drivers", "orderBy: {field: NAME}", "drivers", "orderBy: {field: CREATED_AT}"),
        (
            "drivers",
            "orderBy: {field: NAME}",
            "drivers",
            "orderBy: {field: NAME, direction: DESC}",
        ),
        ("drivers", "", "drivers", "orderBy: {field: NAME}"),
        ("trips", "", "trips", "orderBy: {field: STARTED_AT, direction: ASC}"),
        ("trips", "orderBy: {field: DISTANCE}", "trips", "orderBy: {field: SAFETY_SCORE}"),
        ("leaderboard", f'seasonId: "{SEASON}"', "leaderboard", f'seasonId: "{season_1}"'),
        (
            "leaderboard",
            f'seasonId: "{SEASON}"',
            "leaderboard",
            f'seasonId: "{SEASON}", metric: DISTANCE',
        ),
        (
            "leaderboard",
            f'seasonId: "{SEASON}", metric: TRIPS',
            "leaderboard",
            f'seasonId: "{SEASON}", metric: EVENTS_PER_100KM',
        ),
        (
            "leaderboard",
            f'seasonId: "{SEASON}"',
            "leaderboard",
            f'seasonId: "{SEASON}", region: "north"',
        ),
        ("leaderboard", f'seasonId: "{SEASON}"', "drivers", ""),
        ("seasons", "", "leaderboard", f'seasonId: "{SEASON}"'),
    ]


@pytest.mark.parametrize(
    ("source", "source_args", "target", "target_args"), _other_connection_cases()
)
async def test_cursor_of_another_connection_or_ordering_is_invalid(
    gql: GraphQLClient, source: str, source_args: str, target: str, target_args: str
) -> None:
    def query(field: str, args: str) -> str:
        sep = ", " if args else ""
        return (
            "query($after: String, $before: String) {"
            f" c: {field}(first: 2, after: $after, before: $before{sep}{args})"
            " { edges { cursor } } }"
        )

    data = await gql.data(query(source, source_args))
    cursor = data["c"]["edges"][0]["cursor"]
    for argument in ("after", "before"):
        codes = await gql.error_codes(query(target, target_args), {argument: cursor})
        assert codes == ["INVALID_CURSOR"], argument


async def test_nested_cursor_of_another_connection_is_invalid(gql: GraphQLClient) -> None:
    [event_cursor, *_] = await cursors(gql, "Trip.safetyEvents", first=1)
    codes = await gql.error_codes(CONNECTIONS["Driver.trips"], {"after": event_cursor})
    assert codes == ["INVALID_CURSOR"]


async def test_first_and_last_together_take_the_end_of_the_window(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    query = """query($first: Int, $last: Int, $after: String) {
      drivers(first: $first, last: $last, after: $after) {
        nodes { id } pageInfo { hasNextPage hasPreviousPage }
      }
    }"""
    all_ids = [global_id("Driver", d["id"]) for d in dataset.drivers_ordered()]
    conn = (await gql.data(query, {"first": 10, "last": 3}))["drivers"]
    assert [n["id"] for n in conn["nodes"]] == all_ids[7:10]
    assert conn["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": True}


async def test_after_and_before_bound_a_window(gql: GraphQLClient, dataset: Dataset) -> None:
    all_cursors = await cursors(gql, "drivers", first=30)
    all_ids = [global_id("Driver", d["id"]) for d in dataset.drivers_ordered()]
    query = """query($after: String, $before: String, $first: Int, $last: Int) {
      drivers(first: $first, last: $last, after: $after, before: $before) { nodes { id } }
    }"""
    window = {"after": all_cursors[4], "before": all_cursors[20]}
    forward = (await gql.data(query, {**window, "first": 100}))["drivers"]["nodes"]
    assert [n["id"] for n in forward] == all_ids[5:20]
    backward = (await gql.data(query, {**window, "last": 4}))["drivers"]["nodes"]
    assert [n["id"] for n in backward] == all_ids[16:20]


async def test_a_cursor_survives_as_a_position(gql: GraphQLClient, dataset: Dataset) -> None:
    """A cursor names a position, so it still works in a filtered view of the same order."""
    driver = dataset.drivers_ordered()[10]
    [*_, cursor] = await cursors(gql, "drivers", first=11)
    query = """query($after: String, $region: String) {
      drivers(first: 100, after: $after, filter: {region: $region}) { nodes { id } }
    }"""
    data = await gql.data(query, {"after": cursor, "region": driver["region"]})
    expected = [
        global_id("Driver", d["id"])
        for d in dataset.drivers_ordered(region=driver["region"])
        if d["id"] > driver["id"]
    ]
    assert [n["id"] for n in data["drivers"]["nodes"]] == expected
