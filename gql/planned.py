"""The planned executor's field registry: each GraphQL type's field plans.

Each type's field plans are declared beside its Strawberry class (gql/types);
this module only names them by GraphQL type. Binding, running and the hand-over
to the reference executor are the pipeline's (pipeline/planned.py).
"""

from __future__ import annotations

from gql.types.driver import DRIVER_CONNECTION_PLANS, DRIVER_PLANS
from gql.types.fleet_summary import (
    DAILY_TRIP_ACTIVITY_PLANS,
    FLEET_SUMMARY_PLANS,
    RISK_BUCKET_PLANS,
    SAFETY_EVENT_COUNT_PLANS,
)
from gql.types.leaderboard import LEADERBOARD_CONNECTION_PLANS, LEADERBOARD_ENTRY_PLANS
from gql.types.query import QUERY_PLANS
from gql.types.risk_score import RISK_SCORE_PLANS
from gql.types.safety_event import SAFETY_EVENT_CONNECTION_PLANS, SAFETY_EVENT_PLANS
from gql.types.season import SEASON_CONNECTION_PLANS, SEASON_PLANS
from gql.types.stats import STATS_PLANS
from gql.types.trip import TRIP_CONNECTION_PLANS, TRIP_PLANS
from gql.types.vehicle import VEHICLE_PLANS
from planner.connections import EDGE_PLANS, PAGE_INFO_PLANS
from planner.plan import Registry

FIELD_REGISTRY: Registry = {
    "Query": QUERY_PLANS,
    "Driver": DRIVER_PLANS,
    "DriverConnection": DRIVER_CONNECTION_PLANS,
    "DriverEdge": EDGE_PLANS,
    "DriverStats": STATS_PLANS,
    "RiskScore": RISK_SCORE_PLANS,
    "Vehicle": VEHICLE_PLANS,
    "Trip": TRIP_PLANS,
    "TripConnection": TRIP_CONNECTION_PLANS,
    "TripEdge": EDGE_PLANS,
    "SafetyEvent": SAFETY_EVENT_PLANS,
    "SafetyEventConnection": SAFETY_EVENT_CONNECTION_PLANS,
    "SafetyEventEdge": EDGE_PLANS,
    "Season": SEASON_PLANS,
    "SeasonConnection": SEASON_CONNECTION_PLANS,
    "SeasonEdge": EDGE_PLANS,
    "PageInfo": PAGE_INFO_PLANS,
    "LeaderboardConnection": LEADERBOARD_CONNECTION_PLANS,
    "LeaderboardEdge": EDGE_PLANS,
    "LeaderboardEntry": LEADERBOARD_ENTRY_PLANS,
    "FleetSummary": FLEET_SUMMARY_PLANS,
    "RiskBucket": RISK_BUCKET_PLANS,
    "SafetyEventCount": SAFETY_EVENT_COUNT_PLANS,
    "DailyTripActivity": DAILY_TRIP_ACTIVITY_PLANS,
}
