"""The risk model recomputed in Python from the raw rows: what the tests compare with.

Independent of writes/risk_sql.py on purpose: plain reads of trips and
safety_events, the window and the arithmetic done here, as the decision
record (docs/decisions/0032b-risk-model.md) states them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Driver, RiskLevel, RiskScore, SafetyEvent, Trip

WINDOW = timedelta(days=90)


def model_score(trips: list[tuple[Any, float, int]]) -> float:
    """(started_at, distance_km, severity points) per trip of one driver."""
    if not trips:
        return 0.0
    latest = max(started for started, _, _ in trips)
    recent = [(km, points) for started, km, points in trips if started > latest - WINDOW]
    km = sum(distance for distance, _ in recent)
    points = sum(p for _, p in recent)
    return round(min(100.0, 5.0 * points * 100.0 / km), 2)


Expected = dict[int, tuple[float, RiskLevel, bool]]


async def expected_scores(conn: AsyncConnection) -> Expected:
    """Every driver's score and level by the model, from trips and safety_events alone,
    and whether the driver has trips."""
    points: dict[int, int] = defaultdict(int)
    for trip_id, severity in await conn.execute(select(SafetyEvent.trip_id, SafetyEvent.severity)):
        points[trip_id] += severity
    per_driver: dict[int, list[tuple[Any, float, int]]] = defaultdict(list)
    columns = (Trip.id, Trip.driver_id, Trip.started_at, Trip.distance_km)
    for trip_id, driver_id, started, km in await conn.execute(select(*columns)):
        per_driver[driver_id].append((started, km, points[trip_id]))
    driver_ids = (await conn.execute(select(Driver.id))).scalars()
    result = {}
    for driver_id in driver_ids:
        score = model_score(per_driver[driver_id])
        result[driver_id] = (score, RiskLevel.for_score(score), bool(per_driver[driver_id]))
    return result


async def stored_scores(conn: AsyncConnection) -> dict[int, tuple[Any, Any, Any]]:
    """Per driver: drivers.risk_score, drivers.risk_level, the latest history (score, level)."""
    latest: dict[int, tuple[Any, ...]] = {}
    history = select(RiskScore.driver_id, RiskScore.computed_at, RiskScore.id, RiskScore.score,
                     RiskScore.level)  # fmt: skip
    for driver_id, computed_at, row_id, score, level in await conn.execute(history):
        if driver_id not in latest or (computed_at, row_id) > latest[driver_id][:2]:
            latest[driver_id] = (computed_at, row_id, score, level)
    rows = await conn.execute(select(Driver.id, Driver.risk_score, Driver.risk_level))
    return {
        driver_id: (score, level, latest[driver_id][2:] if driver_id in latest else None)
        for driver_id, score, level in rows
    }


def mismatches(
    expected: Expected,
    stored: dict[int, tuple[Any, Any, Any]],
    driver_ids: set[int] | None = None,
) -> dict[int, Any]:
    """Drivers whose stored score, level or latest history row differ from the model."""
    wrong = {}
    for driver_id, (score, level, has_trips) in expected.items():
        if driver_ids is not None and driver_id not in driver_ids:
            continue
        got = stored[driver_id]
        if got == (None, None, None) and not has_trips:
            continue  # no trip written for the driver yet (a new driver): no score yet
        ok = (
            got[0] is not None
            and abs(got[0] - score) < 1e-9
            and got[1] == level.value
            and got[2] is not None
            and abs(got[2][0] - score) < 1e-9
            and got[2][1] == level.value
        )
        if not ok:
            wrong[driver_id] = {"expected": (score, level.value), "stored": got}
    return wrong
