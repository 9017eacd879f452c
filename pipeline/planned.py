"""The planned executor's side of step 5: binding a plan, running it, handing over.

An operation the planner covers runs its bound plan; one it does not (or whose
run raises: an error to report, an unexpected failure) is answered by the
reference executor, and the response says why (`extensions.planner.fallback`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from errors.domain import DomainError
from limits.cost import CountedResult, objects_cost
from planner import Bound, NeedsReference, Planner, Unplannable, reasons
from planner.metrics import count_planned

if TYPE_CHECKING:
    from auth.tokens import Viewer
    from context import Context
    from observability.operation import OperationScope
    from pipeline.request import Operation
    from prepared import PreparedDocument

log = logging.getLogger("fleetgraph.planner")


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


def bind(
    planner: Planner, prepared: PreparedDocument | None, operation: Operation, viewer: Viewer
) -> Bound | Fallback:
    """The planned executor's plan for an operation (`prepared`: its document, None
    when it has no text), or why the reference executor must answer."""
    if prepared is None:
        return Fallback(reasons.NO_QUERY_TEXT)
    try:
        return planner.bind(
            prepared, operation.operation_name, operation.variables, is_admin=viewer.is_admin
        )
    except Exception as exc:
        return fallback_for(exc)


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
