"""The SQL that records a trip in as few round trips as each backend allows.

PostgreSQL: one statement. Its CTEs find the driver, insert the trip (ON
CONFLICT on the driver's externalId: nothing when the key is taken), insert
its events from arrays (`unnest`, one parameter per column whatever their
number) and add it to the seasons' aggregates, each step only for the row
the step before returned; the final SELECT reports what happened. SQLite has
no data-modifying CTEs: the same steps run as three statements, each set-wise.

The aggregate update is writes/aggregates.py's definition rendered once as
text: the sums add, the derived metrics are recomputed from the new sums.
"""

from __future__ import annotations

from sqlalchemy import literal_column

from writes.aggregates import SUMS, derived_metrics
from writes.tables import driver_season_stats as stats
from writes.tables import trips

TRIP_COLUMNS = (
    "driver_id", "vehicle_id", "started_at", "ended_at", "distance_km", "duration_s",
    "safety_score", "external_id",
)  # fmt: skip
# What the statements return of the trip, in the table's declared order (the
# columns the caller types the result with, positionally).
TRIP_RETURNED = tuple(c.name for c in trips.c)
STATS_COLUMNS = ("season_id", "driver_id", *SUMS, "safety_score", "events_per_100km")
# What the trip adds (bound as `stat_<name>`), in STATS_COLUMNS order after the key.
STAT_PARAMS = tuple(f"stat_{name}" for name in STATS_COLUMNS[2:])


def _stats_update_set() -> str:
    new = {
        name: literal_column(f"(driver_season_stats.{name} + excluded.{name})", stats.c[name].type)
        for name in SUMS
    }
    derived = {
        name: expression.compile(compile_kwargs={"literal_binds": True})
        for name, expression in derived_metrics(new).items()
    }
    assigned = {**{name: str(value) for name, value in new.items()}, **derived}
    return ", ".join(f"{name} = {value}" for name, value in assigned.items())


_TRIP_VALUES = (
    "(SELECT v.id FROM vehicles v WHERE v.driver_id = :driver_id), :started_at, :ended_at, "
    ":distance_km, :duration_s, :safety_score, :external_id"
)
_STATS_INSERT = f"""INSERT INTO driver_season_stats ({", ".join(STATS_COLUMNS)})
SELECT s.id, {{driver}}, {", ".join(f":{p}" for p in STAT_PARAMS)}
FROM {{seasons}}
ON CONFLICT (season_id, driver_id) DO UPDATE SET {_stats_update_set()}"""
_IN_SEASON = "s.starts_at <= :started_at AND s.ends_at > :started_at"

POSTGRES_RECORD = f"""WITH driver AS (SELECT id FROM drivers WHERE id = :driver_id),
trip AS (
  INSERT INTO trips ({", ".join(TRIP_COLUMNS)})
  SELECT d.id, {_TRIP_VALUES} FROM driver d
  ON CONFLICT (driver_id, external_id) DO NOTHING
  RETURNING {", ".join(TRIP_RETURNED)}
),
events AS (
  INSERT INTO safety_events (trip_id, kind, severity, occurred_at)
  SELECT t.id, e.kind, e.severity, e.occurred_at FROM trip t,
    unnest(CAST(:kinds AS varchar[]), CAST(:severities AS integer[]),
           CAST(:occurred AS timestamptz[])) AS e(kind, severity, occurred_at)
),
seasons_holding AS (SELECT s.id FROM seasons s WHERE {_IN_SEASON}),
stats AS (
  {_STATS_INSERT.format(driver="t.driver_id", seasons="seasons_holding s, trip t")}
)
SELECT {", ".join(f"t.{name}" for name in TRIP_RETURNED)},
  (SELECT COUNT(*) FROM driver) AS driver_found,
  ARRAY(SELECT id FROM seasons_holding ORDER BY id) AS season_ids
FROM (SELECT 1) AS one LEFT JOIN trip t ON TRUE"""

# The trip, when the driver exists and the key is free ("WHERE" also keeps
# SQLite's parser from reading ON CONFLICT as a join constraint).
SQLITE_TRIP = f"""INSERT INTO trips ({", ".join(TRIP_COLUMNS)})
SELECT :driver_id, {_TRIP_VALUES}
WHERE EXISTS (SELECT 1 FROM drivers WHERE id = :driver_id)
ON CONFLICT (driver_id, external_id) DO NOTHING
RETURNING {", ".join(TRIP_RETURNED)}"""
SQLITE_STATS = (
    _STATS_INSERT.format(driver=":driver_id", seasons=f"seasons s WHERE {_IN_SEASON}")
    + " RETURNING season_id"
)

# deleteTrip's first step on PostgreSQL: the trip deleted, with the kinds of the
# events its cascade removes (read from the statement's snapshot, from before
# the delete) and the seasons holding its start. No row: no such trip, or a
# concurrent delete won.
POSTGRES_DELETE = f"""WITH kinds AS (SELECT kind FROM safety_events WHERE trip_id = :trip_id),
gone AS (DELETE FROM trips WHERE id = :trip_id RETURNING {", ".join(TRIP_RETURNED)})
SELECT {", ".join(f"g.{name}" for name in TRIP_RETURNED)},
  ARRAY(SELECT kind FROM kinds) AS event_kinds,
  ARRAY(
    SELECT s.id FROM seasons s
    WHERE s.starts_at <= g.started_at AND s.ends_at > g.started_at ORDER BY s.id
  ) AS season_ids
FROM gone g"""
