"""Steps 4 and 5: the limits around execution, and either executor.

The limits guard (limits/guard.py) admits each operation (cost budget, rate
limit, deadline) and annotates `extensions.cost`; admitted operations run on
the planned executor when it covers them, else on the reference executor.
A single operation's plan is bound before the guard, whose cost evaluation
then reuses its coerced variables. Admitted APQ registrations are stored once
they ran; a mutation's writes are invalidated in the response cache before
the response is built.
"""

from __future__ import annotations

import asyncio
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.types import ExecutionResult

from observability.operation import observe_operations, operation_scope
from observability.tracing import mark_executor
from pipeline.consistency import attach_token, choose_route, primary_position
from pipeline.persisted_documents import register_admitted
from pipeline.planned import (
    Fallback,
    bind,
    fallback_for,
    mark_reference,
    note_fallback,
    run_planned,
)
from pipeline.reference import execute_reference
from planner import Bound
from planner.metrics import count_reference

if TYPE_CHECKING:
    from context import Context
    from pipeline.request import GraphQLRequest, Operation
    from pipeline.steps import Steps
    from prepared import PreparedDocument


@dataclass(frozen=True, slots=True)
class Executed:
    """The operations' results (refusals included), and what execution recorded."""

    results: list[ExecutionResult]
    headers: dict[str, str]  # the limits' (Retry-After)
    reads: AbstractSet[str]  # cache tags of what only execution revealed it read
    invalidation: str | None  # how invalidating the writes went; None: nothing written


async def execute(
    request: GraphQLRequest,
    operations: tuple[Operation, ...],
    prepared: PreparedDocument | None,
    steps: Steps,
) -> Executed:
    context = steps.contexts.new(request)
    planner = steps.planner
    plan: Bound | Fallback | None = None
    if planner is not None and prepared is not None and prepared.is_valid:
        plan = bind(planner, prepared, operations[0], request.viewer)
    coerced = (plan.variables,) if isinstance(plan, Bound) else ()

    async def run(admitted: list[Operation]) -> list[ExecutionResult]:
        if request.batch:
            tasks = [_one(item, None, context, request, steps) for item in admitted]
            results = list(await asyncio.gather(*tasks))
        else:
            results = [await _one(admitted[0], plan, context, request, steps)]
        await register_admitted(steps.persisted, admitted)
        return results

    headers: dict[str, str] = {}
    client = steps.client_key(request.http, request.viewer)
    router, wal = steps.replicas, None
    writes = router is not None and await choose_route(router, request, prepared)
    try:
        with observe_operations(operations) as done:  # refusals get an operation span too
            results = await steps.guard.run(list(operations), client, headers, run, coerced)
            done(results)
    finally:
        if context.invalidates and steps.changes is not None:
            steps.changes.publish(frozenset(context.invalidates))  # before the cache empties it
        if writes and router is not None:  # after the commits: the token, and the
            wal = await primary_position(router)  # position invalidations record
        if context.invalidates and steps.cache is not None:
            await steps.cache.invalidate_writes(context, steps.request_timeout, wal or 0)
        reads, invalidation = context.reads, context.invalidation  # kept by `close`
        context.close()
    if wal is not None:
        attach_token(results, headers, wal)
    return Executed(results, headers, reads, invalidation)


async def _one(
    item: Operation,
    plan: Bound | Fallback | None,
    context: Context,
    request: GraphQLRequest,
    steps: Steps,
) -> ExecutionResult:
    """One admitted operation, planned when the planner covers it."""
    planner = steps.planner
    with operation_scope(item.query, item.operation_name) as operation:
        fallback = None
        if planner is not None:
            if plan is None:  # a batch's operation
                prepared = steps.documents.prepare(item.query) if item.query is not None else None
                plan = bind(planner, prepared, item, request.viewer)
            if isinstance(plan, Bound):
                try:
                    result: ExecutionResult = await run_planned(planner, context, plan)
                except Exception as exc:  # an error to report: the reference says it
                    plan = fallback_for(exc)
                else:
                    mark_executor("planned")
                    return result
            fallback = plan
            count_reference(fallback.reason)
            note_fallback(operation, fallback)
        result = await execute_reference(steps.schema, item, context, request.method)
        operation.errors = result.errors
        return result if fallback is None else mark_reference(result, fallback)
