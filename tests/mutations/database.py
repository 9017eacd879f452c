"""Direct reads of the database under test: row counts and driver_season_stats
against a recomputation from the trips and events they summarize."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import UTCDateTime
from tests.risk.recompute import expected_scores, mismatches, stored_scores

TABLES = (
    "seasons",
    "drivers",
    "vehicles",
    "risk_scores",
    "trips",
    "safety_events",
    "driver_season_stats",
)
KINDS = ("HARSH_BRAKING", "RAPID_ACCELERATION", "SPEEDING", "SHARP_TURN", "PHONE_USE")
INTEGERS = ("trips", "safety_events", *(kind.lower() for kind in KINDS))
FLOATS = ("distance_km", "score_distance", "safety_score", "events_per_100km")

StatsKey = tuple[int, int]  # (season id, driver id)
Stats = dict[StatsKey, dict[str, Any]]

_IN_SEASON = "JOIN seasons s ON s.starts_at <= t.started_at AND t.started_at < s.ends_at"
TRIP_SUMS = f"""
SELECT s.id AS season_id, t.driver_id, COUNT(*) AS trips, SUM(t.distance_km) AS distance_km,
       SUM(t.safety_score * t.distance_km) AS score_distance
FROM trips t {_IN_SEASON} GROUP BY s.id, t.driver_id
"""
EVENT_SUMS = f"""
SELECT s.id AS season_id, t.driver_id, e.kind, COUNT(*) AS events
FROM safety_events e JOIN trips t ON t.id = e.trip_id {_IN_SEASON}
GROUP BY s.id, t.driver_id, e.kind
"""


def _typed(sql: str, params: dict[str, Any]) -> TextClause:
    """`sql` with its datetime parameters bound as the models store them (no DB-API
    default adapter: sqlite3's is deprecated since Python 3.12)."""
    times = [
        bindparam(k, type_=UTCDateTime()) for k, v in params.items() if isinstance(v, datetime)
    ]
    return text(sql).bindparams(*times)


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(_typed(sql, params), params)).scalar()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(_typed(sql, params), params)).all())


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    return {table: await scalar(engine, f"SELECT COUNT(*) FROM {table}") for table in TABLES}


async def stored_stats(engine: AsyncEngine, driver_id: int | None = None) -> Stats:
    where = "" if driver_id is None else "WHERE driver_id = :driver_id"
    found = await rows(engine, f"SELECT * FROM driver_season_stats {where}", driver_id=driver_id)
    return {(r.season_id, r.driver_id): dict(r._mapping) for r in found}


async def recomputed_stats(engine: AsyncEngine) -> Stats:
    """driver_season_stats as its definition says it must be."""
    expected: Stats = {}
    for r in await rows(engine, TRIP_SUMS):
        expected[(r.season_id, r.driver_id)] = {
            "season_id": r.season_id,
            "driver_id": r.driver_id,
            "trips": r.trips,
            "distance_km": r.distance_km,
            "score_distance": r.score_distance,
            "safety_events": 0,
            **{kind.lower(): 0 for kind in KINDS},
        }
    for r in await rows(engine, EVENT_SUMS):
        entry = expected[(r.season_id, r.driver_id)]
        entry[r.kind.lower()] = r.events
        entry["safety_events"] += r.events
    for entry in expected.values():
        entry["safety_score"] = entry["score_distance"] / entry["distance_km"]
        entry["events_per_100km"] = entry["safety_events"] * 100.0 / entry["distance_km"]
    return expected


def assert_same_stats(actual: Stats, expected: Stats) -> None:
    """Counts exactly; float sums up to rounding (their order of addition differs)."""
    assert actual.keys() == expected.keys()
    for key, want in expected.items():
        got = actual[key]
        assert {c: got[c] for c in INTEGERS} == {c: want[c] for c in INTEGERS}, key
        for column in FLOATS:
            assert got[column] == pytest.approx(want[column], rel=1e-9, abs=1e-9), (key, column)


async def assert_stats_exact(engine: AsyncEngine) -> None:
    assert_same_stats(await stored_stats(engine), await recomputed_stats(engine))


async def assert_risk_exact(engine: AsyncEngine) -> None:
    """Every driver's risk score, level and latest history row are the risk model's
    answer recomputed from trips and safety_events (tests/risk/recompute.py)."""
    async with engine.connect() as conn:
        assert not mismatches(await expected_scores(conn), await stored_scores(conn))


async def risk_of(engine: AsyncEngine, driver_id: int) -> tuple[Any, ...]:
    """The driver's (risk_score, risk_level)."""
    found = await rows(
        engine, "SELECT risk_score, risk_level FROM drivers WHERE id = :id", id=driver_id
    )
    return tuple(found[0])
