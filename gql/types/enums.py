"""GraphQL enums; domain vocabularies come from `models.enums`."""

from __future__ import annotations

from enum import Enum

import strawberry

from models.enums import RiskLevel, SafetyEventKind

# The domain enums are the GraphQL enums (strawberry.enum registers the class itself).
strawberry.enum(SafetyEventKind)
strawberry.enum(RiskLevel)

__all__ = [
    "DriverOrderField",
    "LeaderboardMetric",
    "OrderDirection",
    "RiskLevel",
    "SafetyEventKind",
    "TripOrderField",
]


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class DriverOrderField(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    RISK_SCORE = "RISK_SCORE"


@strawberry.enum
class TripOrderField(Enum):
    STARTED_AT = "STARTED_AT"
    DISTANCE = "DISTANCE"
    SAFETY_SCORE = "SAFETY_SCORE"


@strawberry.enum
class LeaderboardMetric(Enum):
    SAFETY_SCORE = strawberry.enum_value(
        "SAFETY_SCORE", description="Distance-weighted mean trip safety score, higher first."
    )
    DISTANCE = strawberry.enum_value("DISTANCE", description="Total distance, higher first.")
    TRIPS = strawberry.enum_value("TRIPS", description="Number of trips, higher first.")
    EVENTS_PER_100KM = strawberry.enum_value(
        "EVENTS_PER_100KM", description="Safety events per 100 km, lower first."
    )
