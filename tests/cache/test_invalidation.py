"""Read your writes: after each acknowledged mutation, no read is served stale."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from tests.cache.client import CacheClient, Json, status

_numbers = itertools.count(1)

CREATE = """mutation($input: CreateDriverInput!) {
  createDriver(input: $input) { driver { id name } userErrors { code } } }"""
UPDATE = """mutation($input: UpdateDriverInput!) {
  updateDriver(input: $input) { driver { id name } userErrors { code } } }"""
RECORD = """mutation($input: RecordTripInput!) {
  recordTrip(input: $input) { trip { id } userErrors { code } } }"""
DELETE = """mutation($id: ID!) { deleteTrip(id: $id) { deletedId userErrors { code } } }"""

DRIVER = (
    "query($id: ID!) { driver(id: $id) { id name trips(first: 50) { totalCount nodes { id } } } }"
)
DRIVER_NO_IDS = "query($id: ID!) { driver(id: $id) { trips(first: 50) { totalCount } } }"
DRIVERS = "{ drivers(first: 100) { totalCount nodes { id name } } }"
TRIPS = "{ trips(first: 1) { totalCount } }"
SUMMARY = "{ fleetSummary { drivers trips } }"
LEADERBOARD = "{ leaderboard(first: 100) { totalCount nodes { driver { id } stats { trips } } } }"


async def new_driver(client: CacheClient) -> Json:
    n = next(_numbers)
    driver_input = {"name": f"Cache Driver {n}", "email": f"c{n}@cache.example", "region": "north"}
    payload = await client.mutate("createDriver", CREATE, {"input": driver_input})
    driver: Json = payload["driver"]
    return driver


async def record_trip(client: CacheClient, driver_id: str) -> str:
    season = (await client.data("{ activeSeason { startsAt } }"))["activeSeason"]
    start = datetime.fromisoformat(season["startsAt"]) + timedelta(hours=next(_numbers))
    trip_input = {
        "driverId": driver_id,
        "startedAt": start.isoformat(),
        "endedAt": (start + timedelta(minutes=30)).isoformat(),
        "distanceKm": 10.0,
        "safetyScore": 90,
    }
    payload = await client.mutate("recordTrip", RECORD, {"input": trip_input})
    return str(payload["trip"]["id"])


async def cached(client: CacheClient, query: str, variables: Json | None = None) -> Json:
    """Read twice: the second read must be a hit (so the test proves invalidation)."""
    await client.post(query, variables)
    response = await client.post(query, variables)
    assert status(response) == "hit"
    data: Json = response.json()["data"]
    return data


async def test_create_driver_shows_in_lists_and_summary(client: CacheClient) -> None:
    drivers = await cached(client, DRIVERS)
    summary = await cached(client, SUMMARY)
    driver = await new_driver(client)
    after = await client.post(DRIVERS)
    assert status(after) == "miss"
    assert driver["id"] in [d["id"] for d in after.json()["data"]["drivers"]["nodes"]]
    assert after.json()["data"]["drivers"]["totalCount"] == drivers["drivers"]["totalCount"] + 1
    fleet = (await client.data(SUMMARY))["fleetSummary"]
    assert fleet["drivers"] == summary["fleetSummary"]["drivers"] + 1


async def test_a_cached_null_driver_is_replaced_once_created(client: CacheClient) -> None:
    before = await cached(client, "{ drivers(first: 100) { nodes { id } } }")
    pks = [int(_decode(d["id"]).split(":")[1]) for d in before["drivers"]["nodes"]]
    future_id = _encode(f"Driver:{max(pks) + 1}")
    assert (await cached(client, DRIVER, {"id": future_id}))["driver"] is None
    driver = await new_driver(client)
    assert driver["id"] == future_id
    assert (await client.data(DRIVER, {"id": future_id}))["driver"]["name"] == driver["name"]


async def test_update_driver_changes_every_cached_read(client: CacheClient) -> None:
    driver = await new_driver(client)
    await cached(client, DRIVER, {"id": driver["id"]})
    await cached(client, DRIVERS)
    renamed = f"Renamed {next(_numbers)}"
    await client.mutate("updateDriver", UPDATE, {"input": {"id": driver["id"], "name": renamed}})
    assert (await client.data(DRIVER, {"id": driver["id"]}))["driver"]["name"] == renamed
    nodes = (await client.data(DRIVERS))["drivers"]["nodes"]
    assert {"id": driver["id"], "name": renamed} in nodes


async def test_record_trip_fills_a_list_cached_empty(client: CacheClient) -> None:
    driver = await new_driver(client)
    empty = await cached(client, DRIVER, {"id": driver["id"]})
    assert empty["driver"]["trips"] == {"totalCount": 0, "nodes": []}
    no_ids = await cached(client, DRIVER_NO_IDS, {"id": driver["id"]})
    assert no_ids["driver"]["trips"]["totalCount"] == 0
    trips = (await cached(client, TRIPS))["trips"]["totalCount"]
    board = (await cached(client, LEADERBOARD))["leaderboard"]["totalCount"]
    summary = (await cached(client, SUMMARY))["fleetSummary"]["trips"]
    trip_id = await record_trip(client, driver["id"])
    after = (await client.data(DRIVER, {"id": driver["id"]}))["driver"]["trips"]
    assert after == {"totalCount": 1, "nodes": [{"id": trip_id}]}
    assert (await client.data(DRIVER_NO_IDS, {"id": driver["id"]}))["driver"]["trips"] == {
        "totalCount": 1
    }
    assert (await client.data(TRIPS))["trips"]["totalCount"] == trips + 1
    assert (await client.data(LEADERBOARD))["leaderboard"]["totalCount"] == board + 1
    assert (await client.data(SUMMARY))["fleetSummary"]["trips"] == summary + 1


async def test_delete_trip_removes_it_everywhere(client: CacheClient) -> None:
    driver = await new_driver(client)
    trip_id = await record_trip(client, driver["id"])
    trip_query = "query($id: ID!) { trip(id: $id) { id distanceKm } }"
    assert (await cached(client, trip_query, {"id": trip_id}))["trip"]["id"] == trip_id
    assert (await cached(client, DRIVER, {"id": driver["id"]}))["driver"]["trips"][
        "totalCount"
    ] == 1
    summary = (await cached(client, SUMMARY))["fleetSummary"]["trips"]
    await client.mutate("deleteTrip", DELETE, {"id": trip_id})
    assert (await client.data(trip_query, {"id": trip_id}))["trip"] is None
    assert (await client.data(DRIVER, {"id": driver["id"]}))["driver"]["trips"]["totalCount"] == 0
    assert (await client.data(SUMMARY))["fleetSummary"]["trips"] == summary - 1


async def test_unrelated_entries_survive_a_write(client: CacheClient) -> None:
    driver = await new_driver(client)
    other = await new_driver(client)
    await cached(client, DRIVER, {"id": other["id"]})
    await record_trip(client, driver["id"])
    assert status(await client.post(DRIVER, {"id": other["id"]})) == "hit"


def _encode(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _decode(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode()


SEASON_BOARD = """query($s: ID) { leaderboard(seasonId: $s, first: 100) {
  totalCount nodes { driver { id } stats { trips } } } }"""
RANK = "query($id: ID!, $s: ID) { driver(id: $id) { id rank(seasonId: $s) } }"


async def test_a_trip_changes_its_own_season_leaderboards_only(client: CacheClient) -> None:
    """Exact: the leaderboards and ranks of the trip's season, not those of another."""
    active = (await client.data("{ activeSeason { id } }"))["activeSeason"]["id"]
    seasons = (await client.data("{ seasons(first: 20) { nodes { id } } }"))["seasons"]["nodes"]
    other = next(season["id"] for season in seasons if season["id"] != active)
    ranked = await new_driver(client)
    await record_trip(client, ranked["id"])  # in the active season
    board = (await cached(client, SEASON_BOARD, {"s": active}))["leaderboard"]["totalCount"]
    await cached(client, LEADERBOARD)  # the active season's, by default
    await cached(client, SEASON_BOARD, {"s": other})
    rank = (await cached(client, RANK, {"id": ranked["id"]}))["driver"]["rank"]
    await cached(client, RANK, {"id": ranked["id"], "s": other})
    driver = await new_driver(client)
    await record_trip(client, driver["id"])  # also in the active season
    after = await client.post(SEASON_BOARD, {"s": active})
    assert status(after) == "miss"
    assert after.json()["data"]["leaderboard"]["totalCount"] == board + 1
    assert status(await client.post(LEADERBOARD)) == "miss"
    assert status(await client.post(RANK, {"id": ranked["id"]})) == "miss"
    assert rank is not None
    assert status(await client.post(SEASON_BOARD, {"s": other})) == "hit"
    assert status(await client.post(RANK, {"id": ranked["id"], "s": other})) == "hit"
