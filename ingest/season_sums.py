"""driver_season_stats for a batch of new trips, set-wise.

The batch's sums per (season, driver) are computed here, staged, and added
to the table by one INSERT ... SELECT ... ON CONFLICT DO UPDATE that also
recomputes the derived metrics from the new sums (writes/aggregates.py
keeps single writes the same way, so both agree on every formula). Rows are
upserted in key order, so two writers lock shared rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from ingest import staging
from writes.aggregates import KIND_COLUMNS, SUMS
from writes.tables import seasons

_KINDS = ", ".join(KIND_COLUMNS.values())
_ADDED = ",\n  ".join(f"{name} = driver_season_stats.{name} + excluded.{name}" for name in SUMS)
_UPSERT = text(
    f"""
INSERT INTO driver_season_stats (season_id, driver_id, trips, distance_km, score_distance,
  safety_events, {_KINDS}, safety_score, events_per_100km)
SELECT season_id, driver_id, trips, distance_km, score_distance, safety_events, {_KINDS},
  score_distance / distance_km, safety_events * 100.0 / distance_km
FROM import_staged_sums WHERE true ORDER BY season_id, driver_id
ON CONFLICT (season_id, driver_id) DO UPDATE SET
  {_ADDED},
  safety_score = (driver_season_stats.score_distance + excluded.score_distance)
    / (driver_season_stats.distance_km + excluded.distance_km),
  events_per_100km = (driver_season_stats.safety_events + excluded.safety_events) * 100.0
    / (driver_season_stats.distance_km + excluded.distance_km)
"""
)


@dataclass(frozen=True, slots=True)
class Window:
    id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class NewTrip:
    driver_id: int
    started_at: datetime
    distance_km: float
    safety_score: int
    event_kinds: tuple[str, ...]


async def windows(conn: AsyncConnection) -> list[Window]:
    found = await conn.execute(select(seasons.c.id, seasons.c.starts_at, seasons.c.ends_at))
    return [Window(*row) for row in found]


def sums(trips: Iterable[NewTrip], calendar: list[Window]) -> dict[tuple[int, int], dict[str, Any]]:
    """(season id, driver id) -> what the trips add, for every season holding each trip."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for trip in trips:
        for season in calendar:
            if not season.starts_at <= trip.started_at < season.ends_at:
                continue
            key = (season.id, trip.driver_id)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = {"season_id": season.id, "driver_id": trip.driver_id}
                entry.update(dict.fromkeys(SUMS, 0))
            entry["trips"] += 1
            entry["distance_km"] += trip.distance_km
            entry["score_distance"] += trip.safety_score * trip.distance_km
            entry["safety_events"] += len(trip.event_kinds)
            for kind in trip.event_kinds:
                entry[KIND_COLUMNS[kind]] += 1
    return found


async def add(conn: AsyncConnection, found: dict[tuple[int, int], dict[str, Any]]) -> None:
    if not found:
        return
    await staging.load(conn, staging.staged_sums, [found[key] for key in sorted(found)])
    await conn.execute(_UPSERT)
