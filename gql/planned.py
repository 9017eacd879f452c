"""The planned executor wired in: the field registry and the hand-over to the reference.

Each type's field plans are declared beside its Strawberry class (gql/types);
this module only names them by GraphQL type.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from context import Context
from errors.domain import DomainError
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
from limits.cost import CountedResult, objects_cost
from planner import Bound, NeedsReference, Planner, Unplannable, reasons
from planner.connections import EDGE_PLANS, PAGE_INFO_PLANS
from planner.metrics import count_planned, count_reference
from planner.plan import Registry
from prepared import DocumentCache

if TYPE_CHECKING:
    from observability.operation import OperationScope

log = logging.getLogger("fleetgraph.planner")

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


@dataclass(frozen=True, slots=True)
class Fallback:
    """Why the reference executor answers: `reason`, a code of planner/reasons.py
    (clients and metrics see it); `detail`, the type, field or exception class
    (spans and logs only)."""

    reason: str
    detail: str = ""


def fallback_for(exc: Exception) -> Fallback:
    """The fallback for an exception out of binding or a planned run."""
    if isinstance(exc, Unplannable):
        return Fallback(exc.reason, exc.detail)
    if isinstance(exc, NeedsReference):
        return Fallback(reasons.ERROR_TO_REPORT)
    if isinstance(exc, DomainError | GraphQLError):  # an expected error, with a code
        return Fallback(reasons.ERROR_TO_REPORT, type(exc).__name__)
    log.debug("planned execution raised; the reference executor answers", exc_info=exc)
    return Fallback(reasons.EXECUTION_ERROR, type(exc).__name__)


async def try_planned(
    planner: Planner, documents: DocumentCache, context: Context, data: GraphQLRequestData
) -> ExecutionResult | Fallback:
    """The planned executor's result, or why the reference executor must answer."""
    if data.query is None:
        fallback = Fallback(reasons.NO_QUERY_TEXT)
    else:
        try:
            prepared = documents.prepare(data.query)
            bound = planner.bind(
                prepared, data.operation_name, data.variables, is_admin=context.viewer.is_admin
            )
            return await run_planned(planner, context, bound)
        except Exception as exc:
            fallback = fallback_for(exc)
    count_reference(fallback.reason)
    return fallback


async def run_planned(planner: Planner, context: Context, bound: Bound) -> CountedResult:
    """A bound plan's result, counted; `NeedsReference` (or any error) when the
    reference executor must answer instead."""
    run = await planner.run(context, bound)
    count_planned()
    objects = objects_cost(run.objects_by_type)
    scanned = run.scanned if bound.plan.scans_counted else None  # else the guard walks data
    return CountedResult(data=run.data, errors=None, objects=objects, scanned=scanned)


def note_fallback(operation: OperationScope, fallback: Fallback) -> None:
    """The reason on the operation's span, with its detail (spans may name types)."""
    operation.set_attribute("graphql.planner.fallback", fallback.reason)
    if fallback.detail:
        operation.set_attribute("graphql.planner.fallback_detail", fallback.detail)


def mark_reference(result: ExecutionResult, fallback: Fallback) -> ExecutionResult:
    """Say in `extensions` that the reference executor answered, and why (the code only)."""
    result.extensions = {**(result.extensions or {}), "planner": {"fallback": fallback.reason}}
    return result
