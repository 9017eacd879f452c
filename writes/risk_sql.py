"""The risk model in SQL (docs/decisions/0032b-risk-model.md): one text per dialect.

Every score is computed by the database from the raw tables, set-wise over
the drivers asked for, so a recomputation from trips and safety_events gives
the same answer as the incremental path. The window ends at each driver's
latest trip, not at the clock, so the answer depends on the data alone.
PostgreSQL and SQLite share the CTEs; only the cutoff arithmetic, the
rounding, the id list and the final write differ.
"""

from __future__ import annotations

from models.enums import RiskLevel

# The rolling window: trips that started within this many days before the
# driver's latest trip started (that one included).
WINDOW_DAYS = 90
# Score points per severity point per 100 km; capped at MAX_SCORE.
POINTS_SCALE = 5.0
MAX_SCORE = 100.0
# The decimals a score is stored with: stable against float summation order.
DECIMALS = 2
# A level's lower bound, highest first (what RiskLevel.for_score decides).
LEVEL_FLOORS = ((75, RiskLevel.CRITICAL), (50, RiskLevel.HIGH), (25, RiskLevel.MEDIUM))


def _ids(dialect: str, column: str, *, every: bool) -> str:
    """The filter to the drivers asked for: one bound parameter whatever their count."""
    if every:
        return "1 = 1"
    if dialect == "postgresql":
        return f"{column} = ANY(:ids)"
    return f"{column} IN (SELECT value FROM json_each(:ids))"


def _cutoff(dialect: str, latest: str) -> str:
    if dialect == "postgresql":
        return f"{latest} - INTERVAL '{WINDOW_DAYS} days'"
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'; datetime() drops the fraction, which
    # whole days never change, so it is put back to compare as text exactly.
    return f"datetime({latest}, '-{WINDOW_DAYS} days') || substr({latest}, 20)"


def _score(dialect: str, rate: str) -> str:
    raw = f"COALESCE({POINTS_SCALE} * {rate}, 0.0)"
    if dialect == "postgresql":
        capped = f"LEAST({MAX_SCORE}, {raw})"
        return f"CAST(ROUND(CAST({capped} AS NUMERIC), {DECIMALS}) AS DOUBLE PRECISION)"
    return f"ROUND(MIN({MAX_SCORE}, {raw}), {DECIMALS})"


def _level(score: str) -> str:
    whens = " ".join(
        f"WHEN {score} >= {floor} THEN '{level.value}'" for floor, level in LEVEL_FLOORS
    )
    return f"CASE {whens} ELSE '{RiskLevel.LOW.value}' END"


def scores_ctes(dialect: str, *, every: bool) -> str:
    """`levels(driver_id, score, level)`: the model's answer for each driver asked for.

    Events are summed per driver over the window's trips, not per trip first,
    so no per-trip group is built; a driver without trips scores 0.
    """
    return f"""
latest AS (
  SELECT driver_id, MAX(started_at) AS last_start FROM trips
  WHERE {_ids(dialect, "driver_id", every=every)} GROUP BY driver_id
),
recent AS (
  SELECT t.id, t.driver_id, t.distance_km FROM trips t
  JOIN latest l ON l.driver_id = t.driver_id
  WHERE t.started_at > {_cutoff(dialect, "l.last_start")}
),
distances AS (SELECT driver_id, SUM(distance_km) AS km FROM recent GROUP BY driver_id),
points AS (
  SELECT r.driver_id, SUM(e.severity) AS points FROM recent r
  JOIN safety_events e ON e.trip_id = r.id GROUP BY r.driver_id
),
scores AS (
  SELECT d.id AS driver_id,
    {_score(dialect, "COALESCE(p.points, 0) * 100.0 / k.km")} AS score
  FROM drivers d
  LEFT JOIN distances k ON k.driver_id = d.id
  LEFT JOIN points p ON p.driver_id = d.id
  WHERE {_ids(dialect, "d.id", every=every)}
),
levels AS (SELECT driver_id, score, {_level("score")} AS level FROM scores)"""


def postgres_refresh(*, every: bool) -> str:
    """Update the drivers whose score or level changed and append their history rows."""
    return f"""WITH {scores_ctes("postgresql", every=every)},
changed AS (
  UPDATE drivers d SET risk_score = s.score, risk_level = s.level FROM levels s
  WHERE d.id = s.driver_id
    AND (d.risk_score IS DISTINCT FROM s.score OR d.risk_level IS DISTINCT FROM s.level)
  RETURNING d.id, d.risk_score, d.risk_level
)
INSERT INTO risk_scores (driver_id, score, level, computed_at)
SELECT id, risk_score, risk_level, COALESCE(:computed_at, clock_timestamp()) FROM changed
RETURNING driver_id"""


# Writers wait here for each other per driver (ids in order: no deadlock between
# batches). NO KEY UPDATE: it does not conflict with the KEY SHARE lock a trip
# insert takes on its driver, so two writers that inserted trips do not deadlock.
POSTGRES_LOCK = "SELECT id FROM drivers WHERE id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE"


def sqlite_update(*, every: bool) -> str:
    """The drivers whose score or level changed, updated; their new values returned."""
    return f"""WITH {scores_ctes("sqlite", every=every)}
UPDATE drivers SET risk_score = s.score, risk_level = s.level FROM levels AS s
WHERE drivers.id = s.driver_id
  AND (drivers.risk_score IS NOT s.score OR drivers.risk_level IS NOT s.level)
RETURNING id, risk_score, risk_level"""
