"""deleteTrip: removes the trip and its events and reverses its aggregates exactly."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import decode_id_of, encode_id
from tests.mutations.api import Api, codes
from tests.mutations.database import (
    assert_risk_exact,
    assert_same_stats,
    assert_stats_exact,
    risk_of,
    rows,
    scalar,
    stored_stats,
    table_counts,
)
from tests.mutations.factories import (
    active_season_start,
    event_input,
    new_driver,
    record,
    trip_input,
)


async def test_record_then_delete_restores_stats(api: Api, engine: AsyncEngine) -> None:
    # A seeded driver with trips in the active season already.
    start = await active_season_start(api)
    [busy] = await rows(
        engine,
        "SELECT driver_id FROM driver_season_stats WHERE season_id = "
        "(SELECT id FROM seasons WHERE starts_at <= :at AND :at < ends_at) "
        "ORDER BY trips DESC, driver_id LIMIT 1",
        at=start,
    )
    driver_id = encode_id("Driver", busy.driver_id)
    before_stats = await stored_stats(engine, busy.driver_id)
    before_counts = await table_counts(engine)
    before_risk = await risk_of(engine, busy.driver_id)
    before_read = (await api.read("driver", {"id": driver_id}))["driver"]

    moment = start + timedelta(hours=3)
    events = [event_input("HARSH_BRAKING", 4, moment), event_input("SHARP_TURN", 2, moment)]
    trip = await record(
        api, trip_input(driver_id, moment, distanceKm=7.31, safetyScore=63, safetyEvents=events)
    )
    assert await stored_stats(engine, busy.driver_id) != before_stats

    payload = await api.mutate("deleteTrip", {"id": trip["id"]})

    assert payload == {"deletedId": trip["id"], "userErrors": []}
    assert_same_stats(await stored_stats(engine, busy.driver_id), before_stats)
    after_counts = await table_counts(engine)
    # The risk history keeps both changes: the score with the trip, and back without it.
    assert after_counts.pop("risk_scores") == before_counts.pop("risk_scores") + 2
    assert after_counts == before_counts
    assert await risk_of(engine, busy.driver_id) == before_risk
    await assert_risk_exact(engine)
    after_read = (await api.read("driver", {"id": driver_id}))["driver"]
    assert after_read["trips"] == before_read["trips"]
    assert after_read["stats"]["trips"] == before_read["stats"]["trips"]
    assert (await api.read("trip", {"id": trip["id"]}))["trip"] is None
    await assert_stats_exact(engine)


async def test_deleting_the_last_trip_removes_the_stats_row(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    pk = decode_id_of(driver["id"], "Driver")
    trip = await record(api, trip_input(driver["id"], await active_season_start(api)))
    assert len(await stored_stats(engine, pk)) == 1

    await api.mutate("deleteTrip", {"id": trip["id"]})

    assert await stored_stats(engine, pk) == {}
    read = (await api.read("driver", {"id": driver["id"]}))["driver"]
    assert read["stats"] == {"trips": 0, "distanceKm": 0.0, "safetyScore": None, "safetyEvents": 0}
    board = (await api.read("leaderboard", {"metric": "SAFETY_SCORE"}))["leaderboard"]
    assert driver["id"] not in {entry["driver"]["id"] for entry in board["nodes"]}


async def test_deletes_a_seeded_trip_with_its_events(api: Api, engine: AsyncEngine) -> None:
    trip_pk = await scalar(
        engine,
        "SELECT trip_id FROM safety_events GROUP BY trip_id "
        "ORDER BY COUNT(*) DESC, trip_id LIMIT 1",
    )
    payload = await api.mutate("deleteTrip", {"id": encode_id("Trip", trip_pk)})
    assert payload["userErrors"] == []
    assert (
        await scalar(engine, "SELECT COUNT(*) FROM safety_events WHERE trip_id = :t", t=trip_pk)
        == 0
    )
    await assert_stats_exact(engine)


async def test_refuses_missing_and_invalid_ids(api: Api, engine: AsyncEngine) -> None:
    trip = await record(
        api, trip_input((await new_driver(api))["id"], await active_season_start(api))
    )
    await api.mutate("deleteTrip", {"id": trip["id"]})
    before = await table_counts(engine)

    for given, code in [
        (trip["id"], "NOT_FOUND"),
        (encode_id("Trip", 999_999), "NOT_FOUND"),
        ("###", "INVALID_ID"),
        (encode_id("Driver", 1), "INVALID_ID"),
    ]:
        payload = await api.mutate("deleteTrip", {"id": given})
        assert payload["deletedId"] is None
        assert codes(payload) == [(["id"], code)], given
    assert await table_counts(engine) == before
