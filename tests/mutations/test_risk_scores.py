"""Risk scores follow recordTrip and deleteTrip: exact, appended only on change, and
never answered stale from the response cache."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import decode_id_of, encode_id
from tests.mutations.api import Api, Json
from tests.mutations.database import assert_risk_exact, assert_stats_exact, risk_of, scalar
from tests.mutations.factories import (
    active_season_start,
    event_input,
    new_driver,
    record,
    trip_input,
)

READ = """
query($id: ID!) {
  driver(id: $id) { id riskScore { score level } }
  fleetSummary { averageRiskScore riskDistribution { level drivers } }
}
"""
# Lists the driver in none of its answers' ids until its score puts it there.
CRITICAL = """
{ drivers(first: 100, filter: { riskLevel: CRITICAL }) { totalCount nodes { id } } }
"""


async def _history(engine: AsyncEngine) -> int:
    return int(await scalar(engine, "SELECT COUNT(*) FROM risk_scores"))


async def test_scores_equal_a_recomputation_after_a_series_of_writes(
    api: Api, engine: AsyncEngine
) -> None:
    start = await active_season_start(api)
    fresh = (await new_driver(api))["id"]
    idle = (await new_driver(api))["id"]  # no trip: no score computed
    seeded = encode_id("Driver", 1)
    recorded = []
    for n, driver_id in enumerate([fresh, seeded, fresh, seeded, fresh, seeded]):
        moment = start + timedelta(hours=n, minutes=1)
        events = [event_input("SPEEDING", 1 + n % 5, moment)] * (n % 3)
        trip = trip_input(driver_id, moment, distanceKm=5.0 + n, safetyEvents=events)
        recorded.append(await record(api, trip))
    await assert_risk_exact(engine)

    # Long before the fresh driver's latest trip: outside its window, no new history row.
    before = await _history(engine)
    old = start - timedelta(days=200)
    events = [event_input("PHONE_USE", 5, old)] * 4
    await record(api, trip_input(fresh, old, distanceKm=1.0, safetyEvents=events))
    assert await _history(engine) == before

    for trip in (recorded[1], recorded[4], recorded[2], recorded[0]):
        await api.mutate("deleteTrip", {"id": trip["id"]})
        await assert_risk_exact(engine)
    # The fresh driver's only trip left is the old one: it is its own window now.
    assert await risk_of(engine, decode_id_of(fresh, "Driver")) == (100.0, "CRITICAL")
    assert await risk_of(engine, decode_id_of(idle, "Driver")) == (None, None)
    await assert_stats_exact(engine)


async def _read(api: Api, driver_id: str) -> tuple[str, Json]:
    status, data = await _query(api, READ, {"id": driver_id})
    critical_status, critical = await _query(api, CRITICAL, {})
    assert critical_status == status
    return status, {**data, "critical": critical["drivers"]}


async def _query(api: Api, query: str, variables: Json) -> tuple[str, Json]:
    response = await api.post(query, variables)  # anonymous: the public cache
    body: Json = response.json()
    assert "errors" not in body, body
    return body["extensions"]["cache"]["status"], body["data"]


def _bucket(data: Json, level: str) -> Any:
    return {b["level"]: b["drivers"] for b in data["fleetSummary"]["riskDistribution"]}[level]


async def test_cached_risk_answers_change_with_a_write_that_changes_a_score(api: Api) -> None:
    start = await active_season_start(api) + timedelta(days=1)
    driver_id = (await new_driver(api))["id"]
    await record(api, trip_input(driver_id, start, distanceKm=100.0))
    assert (await _read(api, driver_id))[0] == "miss"
    status, calm = await _read(api, driver_id)
    assert status == "hit"
    assert calm["driver"]["riskScore"] == {"score": 0.0, "level": "LOW"}
    assert driver_id not in {node["id"] for node in calm["critical"]["nodes"]}

    moment = start + timedelta(hours=2)
    events = [event_input("HARSH_BRAKING", 5, moment)] * 6
    risky = await record(api, trip_input(driver_id, moment, distanceKm=1.0, safetyEvents=events))
    status, after = await _read(api, driver_id)
    assert status == "miss"
    # 30 points over 101 km: 5 * 29.70... = 148.5, capped.
    assert after["driver"]["riskScore"] == {"score": 100.0, "level": "CRITICAL"}
    assert driver_id in {node["id"] for node in after["critical"]["nodes"]}
    assert after["critical"]["totalCount"] == calm["critical"]["totalCount"] + 1
    assert _bucket(after, "CRITICAL") == _bucket(calm, "CRITICAL") + 1
    assert _bucket(after, "LOW") == _bucket(calm, "LOW") - 1
    average = after["fleetSummary"]["averageRiskScore"]
    assert average > calm["fleetSummary"]["averageRiskScore"]

    await api.mutate("deleteTrip", {"id": risky["id"]})
    status, back = await _read(api, driver_id)
    assert status == "miss"
    assert back["driver"]["riskScore"] == {"score": 0.0, "level": "LOW"}
    assert back["critical"] == calm["critical"]
    assert back["fleetSummary"]["riskDistribution"] == calm["fleetSummary"]["riskDistribution"]


async def test_concurrent_records_and_deletes_for_one_driver_leave_exact_scores(
    api: Api, engine: AsyncEngine
) -> None:
    """Each write's score is computed after the writes before it committed (the
    driver's row lock), and recordTrip and deleteTrip take their locks in one
    order: all succeed (no deadlock) and the last score counts every trip."""
    start = await active_season_start(api)
    driver_id = (await new_driver(api))["id"]
    doomed = [
        await record(api, trip_input(driver_id, start + timedelta(hours=n), distanceKm=9.0))
        for n in range(4)
    ]

    def trip(n: int) -> Json:
        moment = start + timedelta(days=1, hours=n)
        events = [event_input("SPEEDING", 1 + n % 5, moment)] * (1 + n % 3)
        return trip_input(driver_id, moment, distanceKm=3.0 + n, safetyEvents=events)

    writes = [api.mutate("recordTrip", {"input": trip(n)}) for n in range(12)]
    writes += [api.mutate("deleteTrip", {"id": t["id"]}) for t in doomed]
    payloads = await asyncio.gather(*writes)

    assert all(payload["userErrors"] == [] for payload in payloads)
    await assert_risk_exact(engine)
    await assert_stats_exact(engine)
