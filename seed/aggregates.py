"""driver_season_stats rebuilt from the loaded trips and events, in SQL.

Computed by the database rather than by the generator so the table is, by
construction, what the rows say (the same definition the write path keeps
incrementally; see models/driver_season_stats.py). Trips and events are
aggregated separately per (season, driver) and then joined: grouping events
per trip first would build a million-group hash on the benchmark data set.
Portable SQL: PostgreSQL and SQLite both run it (SQLite compares its
timestamp text, which sorts like the instants it encodes).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from models.enums import SafetyEventKind

# Column of driver_season_stats counting each event kind.
KIND_COLUMNS = {kind: kind.value.lower() for kind in SafetyEventKind}

_IN_SEASON = "s.starts_at <= t.started_at AND t.started_at < s.ends_at"

_KIND_SUMS = ",\n".join(
    f"    SUM(CASE WHEN e.kind = '{kind.value}' THEN 1 ELSE 0 END) AS {column}"
    for kind, column in KIND_COLUMNS.items()
)
_KIND_COLUMNS = ", ".join(KIND_COLUMNS.values())
_KIND_VALUES = ", ".join(f"COALESCE(es.{column}, 0)" for column in KIND_COLUMNS.values())

REBUILD_SQL = f"""
WITH trip_stats AS (
  SELECT s.id AS season_id, t.driver_id AS driver_id, COUNT(*) AS trips,
    SUM(t.distance_km) AS distance_km,
    SUM(t.safety_score * t.distance_km) AS score_distance
  FROM trips t JOIN seasons s ON {_IN_SEASON}
  GROUP BY s.id, t.driver_id
),
event_stats AS (
  SELECT s.id AS season_id, t.driver_id AS driver_id, COUNT(*) AS safety_events,
{_KIND_SUMS}
  FROM safety_events e
  JOIN trips t ON t.id = e.trip_id
  JOIN seasons s ON {_IN_SEASON}
  GROUP BY s.id, t.driver_id
)
INSERT INTO driver_season_stats (
  season_id, driver_id, trips, distance_km, score_distance, safety_events,
  safety_score, events_per_100km, {_KIND_COLUMNS}
)
SELECT ts.season_id, ts.driver_id, ts.trips, ts.distance_km, ts.score_distance,
  COALESCE(es.safety_events, 0),
  ts.score_distance / ts.distance_km,
  COALESCE(es.safety_events, 0) * 100.0 / ts.distance_km,
  {_KIND_VALUES}
FROM trip_stats ts
LEFT JOIN event_stats es ON es.season_id = ts.season_id AND es.driver_id = ts.driver_id
"""


async def rebuild_driver_season_stats(conn: AsyncConnection) -> int:
    """Replace the table's rows; returns how many were written."""
    await conn.execute(text("DELETE FROM driver_season_stats"))
    await conn.execute(text(REBUILD_SQL))
    # Counted, not taken from rowcount: sqlite3 reports -1 for a WITH ... INSERT.
    written = await conn.execute(text("SELECT COUNT(*) FROM driver_season_stats"))
    return int(written.scalar_one())
