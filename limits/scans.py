"""What counts and aggregates cost: the rows their statements may read.

A point is one object of the response (limits/cost.py). A count or an
aggregate builds no object but reads rows: it costs one point per
`ROWS_PER_POINT` rows its statement may read, at least 1. PostgreSQL counts
about a thousand index or heap rows in the time the reference executor
resolves one object (1M trips: 30 ms; a season's 10k statistics rows: 1.2 ms).
Row counts are those of the benchmark's scale (README; 10,000 drivers with
100 trips each over a year, up to 6 safety events a trip, 4 seasons): an
estimate, fixed per field so a document's cost does not depend on the data.
Fields one statement answers together (FleetSummary's driver totals, its
season totals) are priced once per object that selects any of them.
docs/decisions/0013-limits-and-cost.md lists the prices.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

ROWS_PER_POINT = 1_000

DRIVERS = 10_000
TRIPS = 1_000_000
TRIPS_PER_DRIVER = 100
EVENTS_PER_TRIP = 6
SEASONS = 4
TRIPS_PER_DAY = TRIPS // 365

# The rows a connection pages through, which its `totalCount` counts, by the
# field (type, name) that returns the connection.
CONNECTION_ROWS: dict[tuple[str, str], int] = {
    ("Query", "drivers"): DRIVERS,
    ("Query", "trips"): TRIPS,
    ("Query", "seasons"): SEASONS,
    ("Query", "leaderboard"): DRIVERS,  # a season's statistics rows
    ("Driver", "trips"): TRIPS_PER_DRIVER,
    ("Trip", "safetyEvents"): EVENTS_PER_TRIP,
}

# Other aggregates, by (type, field): (the statement answering it, the rows it reads).
AGGREGATES: dict[tuple[str, str], tuple[str, int]] = {
    # A count of the season's rows ahead of the driver, per driver.
    ("Driver", "rank"): ("rank", DRIVERS),
    # RANK() over the rows ahead of the page, once a page: per entry of a full page.
    ("LeaderboardEntry", "rank"): ("rank", DRIVERS // 100),
    ("FleetSummary", "drivers"): ("driver totals", DRIVERS),
    ("FleetSummary", "averageRiskScore"): ("driver totals", DRIVERS),
    ("FleetSummary", "riskDistribution"): ("driver totals", DRIVERS),
    ("FleetSummary", "trips"): ("season totals", DRIVERS),
    ("FleetSummary", "distanceKm"): ("season totals", DRIVERS),
    ("FleetSummary", "safetyEventBreakdown"): ("season totals", DRIVERS),
}

# Objects that each stand for rows read, by the field (type, name) returning them:
# each day of `tripActivity` groups that day's trips.
ROWS_PER_OBJECT: dict[tuple[str, str], int] = {
    ("FleetSummary", "tripActivity"): TRIPS_PER_DAY,
}

# Lists whose length an argument gives, by field: (type, name) → (argument, the
# most the resolver accepts: larger values are refused, so they cost the most).
LIST_LENGTHS: dict[tuple[str, str], tuple[str, int | None]] = {
    ("Query", "nodes"): ("ids", None),
    ("FleetSummary", "tripActivity"): ("days", 366),  # resolvers.fleet_summary.MAX_ACTIVITY_DAYS
}


def points(rows: int) -> int:
    return max(1, math.ceil(rows / ROWS_PER_POINT))


def object_scan(owner: tuple[str, str] | None, type_name: str, fields: Iterable[str]) -> int:
    """Points an object of `type_name` costs besides itself, for the aggregates among
    the `fields` selected on it; `owner`: the field (type, name) that returned it."""
    statements: dict[str, int] = {}
    counted = None if owner is None else CONNECTION_ROWS.get(owner)
    for name in fields:
        if name == "totalCount" and counted is not None:
            statements["count"] = counted
        found = AGGREGATES.get((type_name, name))
        if found is not None:
            statements[found[0]] = found[1]
    each = None if owner is None else ROWS_PER_OBJECT.get(owner)
    if each is not None:
        statements["rows"] = each
    return sum(points(rows) for rows in statements.values())
