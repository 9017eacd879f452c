"""recordTrip: the trip, its events and its season aggregate, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import encode_id
from tests.mutations.api import Api, codes
from tests.mutations.database import assert_stats_exact, stored_stats, table_counts
from tests.mutations.factories import (
    active_season_start,
    event_input,
    iso,
    new_driver,
    record,
    trip_input,
)


async def test_records_trip_events_and_stats(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    start = await active_season_start(api) + timedelta(days=1)
    events = [
        event_input("SPEEDING", 3, start + timedelta(minutes=5)),
        event_input("PHONE_USE", 5, start + timedelta(minutes=10)),
        event_input("SPEEDING", 1, start + timedelta(minutes=30)),  # at endedAt: inside
    ]
    trip = await record(api, trip_input(driver["id"], start, safetyEvents=events))

    assert trip["startedAt"] == iso(start)
    assert trip["durationSeconds"] == 1800
    assert trip["distanceKm"] == 12.5
    assert trip["safetyScore"] == 80
    assert trip["vehicle"] == {"id": driver["vehicle"]["id"], "plate": driver["vehicle"]["plate"]}
    assert trip["safetyEvents"]["totalCount"] == 3
    assert sorted(e["kind"] for e in trip["safetyEvents"]["nodes"]) == [
        "PHONE_USE",
        "SPEEDING",
        "SPEEDING",
    ]
    stats = {"trips": 1, "distanceKm": 12.5, "safetyScore": 80.0, "safetyEvents": 3}
    assert trip["driver"] == {"id": driver["id"], "stats": stats}

    second = trip_input(driver["id"], start + timedelta(hours=2), distanceKm=37.5, safetyScore=40)
    await record(api, second)
    read = (await api.read("driver", {"id": driver["id"]}))["driver"]
    # Distance-weighted: (80 * 12.5 + 40 * 37.5) / 50 = 50.
    assert read["stats"] == {"trips": 2, "distanceKm": 50.0, "safetyScore": 50.0, "safetyEvents": 3}
    assert read["trips"]["totalCount"] == 2

    board = (await api.read("leaderboard", {"metric": "EVENTS_PER_100KM"}))["leaderboard"]
    [entry] = [e for e in board["nodes"] if e["driver"]["id"] == driver["id"]]
    assert entry["value"] == pytest.approx(6.0)  # 3 events per 50 km
    assert entry["stats"] == read["stats"]
    await assert_stats_exact(engine)


async def test_safety_events_default_to_none(api: Api) -> None:
    driver = await new_driver(api, vehicle=None)
    trip = await record(api, trip_input(driver["id"], await active_season_start(api)))
    assert trip["safetyEvents"] == {"totalCount": 0, "nodes": []}
    assert trip["vehicle"] is None


async def test_trip_outside_every_season_changes_no_aggregate(
    api: Api, engine: AsyncEngine
) -> None:
    driver = await new_driver(api)
    before = await stored_stats(engine)
    trip = await record(api, trip_input(driver["id"], datetime(2001, 5, 1, 8, tzinfo=UTC)))
    assert trip["driver"]["stats"]["trips"] == 0  # the active season has no trip of theirs
    assert await stored_stats(engine) == before


async def test_accepts_any_utc_offset(api: Api) -> None:
    driver = await new_driver(api)
    india = timezone(timedelta(hours=5, minutes=30))
    start = (await active_season_start(api) + timedelta(days=2)).astimezone(india)
    trip = await record(api, trip_input(driver["id"], start))
    assert trip["startedAt"] == iso(start.astimezone(UTC))
    assert trip["durationSeconds"] == 1800


def _bad(start: datetime) -> list[tuple[dict[str, Any], list[str], str]]:
    later = start + timedelta(minutes=10)
    naive = start.replace(tzinfo=None).isoformat()
    return [
        ({"endedAt": iso(start)}, ["input", "endedAt"], "INVALID_TIME_RANGE"),
        ({"endedAt": iso(start - timedelta(hours=1))}, ["input", "endedAt"], "INVALID_TIME_RANGE"),
        ({"safetyScore": 101}, ["input", "safetyScore"], "OUT_OF_RANGE"),
        ({"safetyScore": -1}, ["input", "safetyScore"], "OUT_OF_RANGE"),
        ({"distanceKm": 0}, ["input", "distanceKm"], "OUT_OF_RANGE"),
        ({"distanceKm": -3.5}, ["input", "distanceKm"], "OUT_OF_RANGE"),
        ({"startedAt": naive}, ["input", "startedAt"], "INVALID_DATETIME"),
        (
            {
                "safetyEvents": [
                    event_input("SPEEDING", 2, later),
                    event_input("SPEEDING", 6, later),
                ]
            },
            ["input", "safetyEvents", "1", "severity"],
            "OUT_OF_RANGE",
        ),
        (
            {"safetyEvents": [event_input("SHARP_TURN", 0, later)]},
            ["input", "safetyEvents", "0", "severity"],
            "OUT_OF_RANGE",
        ),
        (
            {"safetyEvents": [event_input("SHARP_TURN", 2, start - timedelta(seconds=1))]},
            ["input", "safetyEvents", "0", "occurredAt"],
            "OUT_OF_RANGE",
        ),
        (
            {"safetyEvents": [event_input("SHARP_TURN", 2, start + timedelta(hours=1))]},
            ["input", "safetyEvents", "0", "occurredAt"],
            "OUT_OF_RANGE",
        ),
        (
            {"safetyEvents": [{"kind": "SPEEDING", "severity": 2, "occurredAt": naive}]},
            ["input", "safetyEvents", "0", "occurredAt"],
            "INVALID_DATETIME",
        ),
        ({"driverId": encode_id("Driver", 999_999)}, ["input", "driverId"], "NOT_FOUND"),
        ({"driverId": "%%%"}, ["input", "driverId"], "INVALID_ID"),
        ({"driverId": encode_id("Vehicle", 1)}, ["input", "driverId"], "INVALID_ID"),
    ]


@pytest.mark.parametrize("case", range(len(_bad(datetime.now(UTC)))))
async def test_refuses_and_writes_nothing(api: Api, engine: AsyncEngine, case: int) -> None:
    driver = await new_driver(api)
    start = await active_season_start(api) + timedelta(days=3)
    change, field, code = _bad(start)[case]
    before = (await table_counts(engine), await stored_stats(engine))

    payload = await api.mutate("recordTrip", {"input": trip_input(driver["id"], start, **change)})

    assert payload["trip"] is None
    assert codes(payload) == [(field, code)]
    assert (await table_counts(engine), await stored_stats(engine)) == before


async def test_unknown_event_kind_is_a_graphql_error(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    start = await active_season_start(api)
    before = await table_counts(engine)
    event = {"kind": "NAPPING", "severity": 1, "occurredAt": iso(start)}
    body = await api.run(
        "recordTrip", {"input": trip_input(driver["id"], start, safetyEvents=[event])}
    )
    assert body.get("data") is None
    assert body["errors"]
    assert await table_counts(engine) == before
