from __future__ import annotations

from collections import namedtuple
from typing import Any

import strawberry
from sqlalchemy import Row

from planner.fields import Attribute, FieldPlans


@strawberry.type
class DriverStats:
    trips: int
    distance_km: float
    safety_score: float | None = strawberry.field(
        description="Distance-weighted mean trip safety score; null without trips."
    )
    safety_events: int

    @classmethod
    def of(cls, row: Row[Any] | None) -> DriverStats:
        if row is None:
            return cls(trips=0, distance_km=0.0, safety_score=None, safety_events=0)
        return cls(
            trips=row.trips,
            distance_km=row.distance_km,
            safety_score=row.safety_score,
            safety_events=row.safety_events,
        )


# A driver without a trip in the season (what `DriverStats.of(None)` answers).
NoStats = namedtuple("NoStats", "trips distance_km safety_score safety_events")
NO_STATS = NoStats(0, 0.0, None, 0)

STATS_PLANS: FieldPlans = {
    "trips": Attribute("trips"),
    "distanceKm": Attribute("distance_km"),
    "safetyScore": Attribute("safety_score"),
    "safetyEvents": Attribute("safety_events"),
}
