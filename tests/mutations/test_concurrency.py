"""Concurrent mutations lose no update and never surface as internal errors.

On PostgreSQL the writers really overlap (READ COMMITTED); on SQLite they
serialize on the database lock (busy timeout from the engine's connect args).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import decode_id_of
from tests.mutations.api import Api, codes
from tests.mutations.database import assert_stats_exact, stored_stats
from tests.mutations.factories import (
    active_season_start,
    driver_input,
    event_input,
    new_driver,
    record,
    trip_input,
)

PARALLEL = 30


async def test_parallel_trips_for_one_driver_lose_no_update(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    start = await active_season_start(api) + timedelta(days=1)
    trips = []
    for i in range(PARALLEL):
        moment = start + timedelta(hours=i)
        kinds = ["SPEEDING", "PHONE_USE", "HARSH_BRAKING"][: i % 4]
        trips.append(
            trip_input(
                driver["id"],
                moment,
                distanceKm=1.0 + i * 0.731,
                safetyScore=40 + i,
                safetyEvents=[event_input(kind, 1 + i % 5, moment) for kind in kinds],
            )
        )

    payloads = await asyncio.gather(*(api.mutate("recordTrip", {"input": t}) for t in trips))

    assert all(p["userErrors"] == [] for p in payloads)
    [row] = (await stored_stats(engine, decode_id_of(driver["id"], "Driver"))).values()
    assert row["trips"] == PARALLEL
    assert row["safety_events"] == sum(i % 4 for i in range(PARALLEL))
    await assert_stats_exact(engine)


async def test_parallel_deletes_of_one_trip_delete_it_once(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    start = await active_season_start(api)
    await record(api, trip_input(driver["id"], start + timedelta(hours=1)))
    trip = await record(api, trip_input(driver["id"], start + timedelta(hours=2)))

    payloads = await asyncio.gather(
        *(api.mutate("deleteTrip", {"id": trip["id"]}) for _ in range(10))
    )

    outcomes = Counter("deleted" if p["deletedId"] else codes(p)[0][1] for p in payloads)
    assert outcomes == {"deleted": 1, "NOT_FOUND": 9}
    [row] = (await stored_stats(engine, decode_id_of(driver["id"], "Driver"))).values()
    assert row["trips"] == 1
    await assert_stats_exact(engine)


async def test_parallel_creates_with_one_email_create_one_driver(api: Api) -> None:
    email = driver_input()["email"]
    payloads = await asyncio.gather(
        *(api.mutate("createDriver", {"input": driver_input(email=email)}) for _ in range(10))
    )
    outcomes = Counter("created" if p["driver"] else codes(p)[0][1] for p in payloads)
    assert outcomes == {"created": 1, "DUPLICATE_EMAIL": 9}
