from __future__ import annotations

from collections import namedtuple
from typing import Any, ClassVar

import strawberry

from gql.types.row_fields import RowMapped, column, column_plans, row_type
from planner.fields import FieldPlans

# A driver without a trip in the season.
NoStats = namedtuple("NoStats", "trips distance_km safety_score safety_events")
NO_STATS = NoStats(0, 0.0, None, 0)


@row_type
@strawberry.type
class DriverStats(RowMapped):
    MISSING_ROW: ClassVar[Any] = NO_STATS  # of(None): no trip in the season

    trips: int
    distance_km: float
    safety_score: float | None = column(
        description="Distance-weighted mean trip safety score; null without trips."
    )
    safety_events: int


STATS_PLANS: FieldPlans = column_plans(DriverStats)
