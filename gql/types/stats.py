from __future__ import annotations

from collections import namedtuple
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.types.row_fields import RowMapped, column, column_plans, row_type
from planner.fields import FieldPlans


@row_type
@strawberry.type
class DriverStats(RowMapped):
    trips: int
    distance_km: float
    safety_score: float | None = column(
        description="Distance-weighted mean trip safety score; null without trips."
    )
    safety_events: int

    @classmethod
    def of_season(cls, row: Row[Any] | None) -> DriverStats:
        """A driver's figures in a season: zeros without a trip in it (no row)."""
        return cls.of(NO_STATS if row is None else row)


# A driver without a trip in the season.
NoStats = namedtuple("NoStats", "trips distance_km safety_score safety_events")
NO_STATS = NoStats(0, 0.0, None, 0)

STATS_PLANS: FieldPlans = column_plans(DriverStats)
