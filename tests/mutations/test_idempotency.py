"""recordTrip's idempotency key (`externalId`): a retry records nothing twice.

On both backends: a repeat with the same key and input answers the first trip
and writes nothing (no row, no aggregate change); other input under the same
key is refused; concurrent duplicates insert one row, whichever wins.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

import writes
from global_ids import decode_id_of
from tests.mutations.api import Api, Json, bearer, codes
from tests.mutations.database import assert_stats_exact, scalar, stored_stats, table_counts
from tests.mutations.factories import (
    active_season_start,
    event_input,
    iso,
    new_driver,
    record,
    trip_input,
)
from writes.aggregates import TripShare, add_trip
from writes.tables import trips

_keys = itertools.count(1)


def new_key() -> str:
    return f"device-7:trip-{next(_keys)}"


async def rows_with_key(engine: AsyncEngine, key: str) -> int:
    count = await scalar(engine, "SELECT COUNT(*) FROM trips WHERE external_id = :key", key=key)
    return int(count)


async def _keyed_trip(api: Api, **overrides: Any) -> tuple[Json, Json]:
    """A new driver and a trip input for them with a new key and two events."""
    driver = await new_driver(api)
    start = await active_season_start(api) + timedelta(days=1)
    events = [
        event_input("SPEEDING", 3, start + timedelta(minutes=5)),
        event_input("PHONE_USE", 5, start + timedelta(minutes=10)),
    ]
    given = {"safetyEvents": events, "externalId": new_key(), **overrides}
    trip = trip_input(driver["id"], start, **given)
    return driver, trip


async def record_trip(api: Api, trip: Json) -> Json:
    """The whole response body of a recordTrip."""
    body = await api.run("recordTrip", {"input": trip})
    assert "errors" not in body, body["errors"]
    return body


async def test_a_repeat_returns_the_first_trip_and_writes_nothing(
    api: Api, engine: AsyncEngine
) -> None:
    _, trip = await _keyed_trip(api)
    first = await record(api, trip)
    assert first["externalId"] == trip["externalId"]
    before = (await table_counts(engine), await stored_stats(engine))

    again = await record_trip(api, trip)

    payload = again["data"]["recordTrip"]
    assert payload["userErrors"] == []
    assert payload["trip"]["id"] == first["id"]
    assert payload["trip"] == first  # stats included: counted once
    assert first["driver"]["stats"]["trips"] == 1
    assert await rows_with_key(engine, trip["externalId"]) == 1
    assert (await table_counts(engine), await stored_stats(engine)) == before
    # The repeat invalidates again (it may be the retry of a write whose
    # invalidation never happened): harmless, and reported like any write's.
    assert again["extensions"]["cache"]["invalidation"] == "ok"
    await assert_stats_exact(engine)


async def test_instants_match_whatever_their_offset_and_events_in_any_order(
    api: Api, engine: AsyncEngine
) -> None:
    _, trip = await _keyed_trip(api)
    first = await record(api, trip)
    india = timezone(timedelta(hours=5, minutes=30))
    shifted = {
        **trip,
        "startedAt": iso(_parse(trip["startedAt"]).astimezone(india)),
        "endedAt": iso(_parse(trip["endedAt"]).astimezone(india)),
        "safetyEvents": list(reversed(trip["safetyEvents"])),
    }

    assert (await record(api, shifted))["id"] == first["id"]
    assert await rows_with_key(engine, trip["externalId"]) == 1


def _changes(trip: Json) -> list[dict[str, Any]]:
    start = _parse(trip["startedAt"])
    return [
        {"distanceKm": trip["distanceKm"] + 0.001},
        {"safetyScore": trip["safetyScore"] - 1},
        {"startedAt": iso(start - timedelta(seconds=1))},
        {"endedAt": iso(start + timedelta(minutes=31))},
        {"safetyEvents": trip["safetyEvents"][:1]},
        {"safetyEvents": [*trip["safetyEvents"], trip["safetyEvents"][0]]},
        {"safetyEvents": [{**trip["safetyEvents"][0], "severity": 4}, trip["safetyEvents"][1]]},
    ]


@pytest.mark.parametrize("case", range(7))
async def test_the_same_key_with_other_input_is_refused(
    api: Api, engine: AsyncEngine, case: int
) -> None:
    _, trip = await _keyed_trip(api)
    await record(api, trip)
    before = (await table_counts(engine), await stored_stats(engine))

    body = await record_trip(api, {**trip, **_changes(trip)[case]})

    payload = body["data"]["recordTrip"]
    assert payload["trip"] is None
    assert codes(payload) == [(["input", "externalId"], "EXTERNAL_ID_REUSED")]
    assert (await table_counts(engine), await stored_stats(engine)) == before
    assert body["extensions"]["cache"]["invalidation"] == "none"  # nothing written


async def test_keys_are_per_driver(api: Api, engine: AsyncEngine) -> None:
    _, trip = await _keyed_trip(api)
    other = await new_driver(api)
    first = await record(api, trip)
    second = await record(api, {**trip, "driverId": other["id"]})
    assert second["id"] != first["id"]
    assert await rows_with_key(engine, trip["externalId"]) == 2


async def test_without_a_key_every_request_records(api: Api, engine: AsyncEngine) -> None:
    driver, trip = await _keyed_trip(api)
    del trip["externalId"]
    first, second = await record(api, trip), await record(api, trip)
    assert first["id"] != second["id"]
    assert first["externalId"] is None
    [row] = (await stored_stats(engine, decode_id_of(driver["id"], "Driver"))).values()
    assert row["trips"] == 2


async def test_a_deleted_trip_frees_its_key(api: Api, engine: AsyncEngine) -> None:
    _, trip = await _keyed_trip(api)
    first = await record(api, trip)
    assert (await api.mutate("deleteTrip", {"id": first["id"]}))["userErrors"] == []
    again = await record(api, trip)
    assert again["id"] != first["id"]
    assert await rows_with_key(engine, trip["externalId"]) == 1
    await assert_stats_exact(engine)


@pytest.mark.parametrize("parallel", [2, 12])
async def test_concurrent_duplicates_insert_one_trip(
    api: Api, engine: AsyncEngine, parallel: int
) -> None:
    driver, trip = await _keyed_trip(api)

    payloads = await asyncio.gather(
        *(api.mutate("recordTrip", {"input": trip}) for _ in range(parallel))
    )

    assert all(p["userErrors"] == [] for p in payloads)
    assert len({p["trip"]["id"] for p in payloads}) == 1
    assert await rows_with_key(engine, trip["externalId"]) == 1
    [row] = (await stored_stats(engine, decode_id_of(driver["id"], "Driver"))).values()
    assert (row["trips"], row["safety_events"]) == (1, 2)
    await assert_stats_exact(engine)


async def test_a_request_that_loses_the_race_answers_the_winners_trip(
    api: Api, engine: AsyncEngine
) -> None:
    """Deterministic: the winner's row is inserted but not committed while the
    loser runs, so the loser found no trip under the key and its INSERT meets the
    unique index (it waits for the winner's commit, then inserts nothing)."""
    driver, trip = await _keyed_trip(api, safetyEvents=[])
    driver_pk = decode_id_of(driver["id"], "Driver")
    start, end = _parse(trip["startedAt"]), _parse(trip["endedAt"])
    spec = writes.TripSpec(
        start, end, trip["distanceKm"], trip["safetyScore"], (), trip["externalId"]
    )
    winner_row = {
        "driver_id": driver_pk,
        "started_at": start,
        "ended_at": end,
        "distance_km": spec.distance_km,
        "duration_s": spec.duration_s,
        "safety_score": spec.safety_score,
        "external_id": spec.external_id,
    }
    async with engine.connect() as winner:
        await winner.begin()
        winner_id = (
            await winner.execute(insert(trips).values(winner_row).returning(trips.c.id))
        ).scalar_one()
        share = TripShare.of(spec.distance_km, spec.safety_score, ())
        await add_trip(winner, driver_pk, start, share)  # as record_trip would
        loser = asyncio.create_task(writes.record_trip(engine, driver_pk, spec))
        await asyncio.sleep(0.3)
        assert not loser.done()  # waiting on the winner's row (PostgreSQL) or lock (SQLite)
        await winner.commit()
    written = await asyncio.wait_for(loser, 30)

    assert written.replayed
    assert written.row.id == winner_id
    assert await rows_with_key(engine, trip["externalId"]) == 1
    await assert_stats_exact(engine)


def _bad_keys() -> list[tuple[str, str]]:
    return [("", "BLANK"), ("k" * 129, "TOO_LONG"), ("a\x00b", "INVALID_CHARACTERS")]


@pytest.mark.parametrize(("key", "code"), _bad_keys())
async def test_bad_keys_are_refused(api: Api, engine: AsyncEngine, key: str, code: str) -> None:
    _, trip = await _keyed_trip(api, externalId=key)
    before = await table_counts(engine)
    payload = await api.mutate("recordTrip", {"input": trip})
    assert payload["trip"] is None
    assert codes(payload) == [(["input", "externalId"], code)]
    assert await table_counts(engine) == before


async def test_the_longest_key_and_any_printable_text_are_kept_exactly(api: Api) -> None:
    for key in ("k" * 128, " spaced key ", "ключ-🚗"):
        _, trip = await _keyed_trip(api, externalId=key)
        assert (await record(api, trip))["externalId"] == key


async def test_only_admins_see_external_ids(api: Api) -> None:
    _, trip = await _keyed_trip(api)
    recorded = await record(api, trip)
    by_id = "query($id: ID!) { trip(id: $id) { id externalId } }"
    listed = "query($id: ID!) { driver(id: $id) { trips(first: 5) { nodes { id externalId } } } }"
    for role, expected in (("admin", trip["externalId"]), ("reader", None), (None, None)):
        headers = bearer(role) if role else {}
        body = (await api.post(by_id, {"id": recorded["id"]}, headers)).json()
        assert body["data"]["trip"] == {"id": recorded["id"], "externalId": expected}, role
        assert "planner" not in body["extensions"]  # the planned executor answered
        body = (await api.post(listed, {"id": trip["driverId"]}, headers)).json()
        assert body["data"]["driver"]["trips"]["nodes"] == [
            {"id": recorded["id"], "externalId": expected}
        ]


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(UTC)
