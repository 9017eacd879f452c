"""Admission around execution: cost budget, rate limit, deadline, `extensions.cost`.

It wraps the whole execution step (either executor), so nothing here depends
on how an operation is answered. Per operation: the document checks
(`check_document`: parse, limit rules and validation, cached per text; the
operation to run; its selections collected within the collector's budget,
memoized on the prepared document), its cost tree compiled once per
collected operation, the requested cost evaluated with the request's coerced
variables and checked against the budget, then taken from the client's
bucket. After execution the unused part is refunded, or the part used beyond
it charged, and every result carries `extensions.cost` {requested, actual,
throttle}. The response cache runs `check_document` before it reads a
document's selections.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any, Protocol, TypeVar

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution import VariableValues, get_variable_values
from strawberry.types import ExecutionResult

from errors.domain import echo
from limits.buckets import Take
from limits.cost import CostTree, CountedResult, compile_cost
from limits.deadlines import Deadlines
from limits.rate_limiter import RateLimiter
from prepared import PreparationCost
from selections import CollectedOperation, DocumentSelections, SelectionTooComplex


class Operation(Protocol):
    """What the guard reads of one requested operation (`pipeline.Operation`)."""

    @property
    def query(self) -> str | None: ...
    @property
    def operation_name(self) -> str | None: ...
    @property
    def variables(self) -> Mapping[str, Any] | None: ...


OperationT = TypeVar("OperationT", bound=Operation)


class Prepared(Protocol):
    """A parsed and validated document (`prepared.PreparedDocument`)."""

    @property
    def document(self) -> DocumentNode | None: ...
    @property
    def errors(self) -> tuple[GraphQLError, ...]: ...
    @property
    def selections(self) -> DocumentSelections: ...
    @property
    def preparation(self) -> PreparationCost: ...


class RequestGuard:
    def __init__(
        self,
        schema: GraphQLSchema,
        prepare: Callable[[str], Awaitable[Prepared]],
        *,
        max_cost: int,
        timeout: float,
        limiter: RateLimiter | None,
        points_per_cpu_ms: float = 0.0,
    ) -> None:
        """`points_per_cpu_ms`: what a new document's preparation is charged
        (prepared/preparation_cost.py)."""
        self.schema = schema
        self.prepare = prepare
        self.max_cost = max_cost
        self.points_per_cpu_ms = points_per_cpu_ms
        self.timeout = timeout
        self.deadlines = Deadlines(timeout)
        self.limiter = limiter

    async def run(
        self,
        items: list[OperationT],
        client: str,
        headers: MutableMapping[str, str],
        execute: Callable[[list[OperationT]], Awaitable[list[ExecutionResult]]],
        variables: Sequence[VariableValues | None] = (),
    ) -> list[ExecutionResult]:
        """One result per item, in order; refused items never reach `execute`.
        `variables`: the items' coerced variables when the caller has them already."""
        results: list[ExecutionResult | None] = [None] * len(items)
        trees: list[CostTree | None] = [None] * len(items)
        requested = [0] * len(items)
        work = 0
        for i, item in enumerate(items):
            coerced = variables[i] if i < len(variables) else None
            results[i], trees[i], requested[i], prepared = await self._admit(item, coerced)
            work += prepared
        if work:  # CPU already spent, refused or not: owed whatever the bucket holds
            await self._take(client, work, force=True)
        admitted = [i for i, result in enumerate(results) if result is None]
        total = sum(requested[i] for i in admitted)
        take = await self._take(client, total if admitted else 0)
        if take is not None and not take.allowed:
            throttled = self._throttled(take, total, headers)
            for i in admitted:
                results[i] = throttled
            admitted = []
        if admitted:
            try:
                executed = await self._execute(items, admitted, execute)
            except Exception:  # refused by the executor (a mutation over GET): nothing ran
                if take is not None and take.allowed and total:
                    await self._take(client, -total)
                raise
            for i, result in zip(admitted, executed, strict=True):
                results[i] = result
        actual = [0] * len(items)
        for i in admitted:
            tree, done = trees[i], results[i]
            if tree is None or done is None:
                continue
            if isinstance(done, CountedResult):
                scanned = done.scanned
                actual[i] = done.objects + (tree.scanned(done.data) if scanned is None else scanned)
            else:
                actual[i] = tree.actual(done.data)
        used = sum(actual)
        if take is not None and take.allowed and used != total:
            # Refund the unused part, or charge what was used beyond the request
            # (lists of unknown length), even below zero.
            take = await self._take(client, used - total, force=used > total)
        final = [result for result in results if result is not None]
        for i, result in enumerate(final):
            self._annotate(result, requested[i], actual[i], take, client)
        return final

    async def _admit(
        self, item: Operation, variables: VariableValues | None
    ) -> tuple[ExecutionResult | None, CostTree | None, int, int]:
        """(refusal or None, cost tree, requested cost, points owed for preparing its
        document) for one operation."""
        if item.query is None:
            return None, None, 0, 0  # Strawberry answers "no query" (HTTP 400)
        prepared = await self.prepare(item.query)
        work = prepared.preparation.points(self.points_per_cpu_ms)
        checked = self._checked(prepared, item.operation_name)
        if isinstance(checked, ExecutionResult):
            return checked, None, 0, work
        coerced: Mapping[str, Any] | None = None if variables is None else variables.coerced
        collected = checked
        if prepared.selections.switches:  # @skip/@include read variables
            if coerced is None:
                coerced = self._coerce(checked.operation, item.variables)
            flags = prepared.selections.flags(coerced)
            try:
                collected = prepared.selections.collect(checked.operation, flags)
            except SelectionTooComplex as exc:
                return _too_complex(exc), None, 0, work
        tree = collected.derived.get(compile_cost)
        if tree is None:
            tree = collected.derived[compile_cost] = compile_cost(collected)
        assert isinstance(tree, CostTree)
        if tree.reads_variables and coerced is None:
            coerced = self._coerce(checked.operation, item.variables)
        requested = tree.requested(coerced)
        refusal = None
        if requested > self.max_cost:
            message = f"Query cost {requested} exceeds the limit of {self.max_cost}."
            refusal = _refusal(message, "QUERY_TOO_COSTLY", limit=self.max_cost, cost=requested)
        return refusal, tree, requested, work

    def _throttled(
        self, take: Take, total: int, headers: MutableMapping[str, str]
    ) -> ExecutionResult:
        retry = round(take.retry_after, 3) if math.isfinite(take.retry_after) else None
        if retry is not None:
            headers["Retry-After"] = str(max(1, math.ceil(retry)))
        message = f"Throttled: cost {total} exceeds the {take.remaining:.0f} points available."
        return _refusal(message, "THROTTLED", retryAfter=retry)

    def check_document(
        self, prepared: Prepared, operation_name: str | None
    ) -> OperationDefinitionNode | ExecutionResult:
        """The document checks, before anything else reads the document's selections:
        valid (the limits, then validation), one operation to run, its selections
        collected within the collector's budget (every @skip/@include condition on a
        variable holding). The operation, or the refusal."""
        checked = self._checked(prepared, operation_name)
        return checked if isinstance(checked, ExecutionResult) else checked.operation

    def _checked(
        self, prepared: Prepared, operation_name: str | None
    ) -> CollectedOperation | ExecutionResult:
        if prepared.errors or prepared.document is None:
            return ExecutionResult(data=None, errors=[_with_code(e) for e in prepared.errors])
        operation = _operation(prepared.document, operation_name)
        if isinstance(operation, str):
            return _refusal(operation, "BAD_REQUEST")
        try:
            return prepared.selections.collect(operation)
        except SelectionTooComplex as exc:
            return _too_complex(exc)

    def _coerce(
        self, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
    ) -> Mapping[str, Any]:
        """The operation's coerced variables (defaults applied); {} when they do not
        coerce (execution refuses them with their errors)."""
        found = get_variable_values(
            self.schema, operation.variable_definitions or (), dict(variables or {})
        )
        return {} if isinstance(found, list) else found.coerced

    async def _take(self, client: str, cost: int, *, force: bool = False) -> Take | None:
        if self.limiter is None:
            return None
        return await self.limiter.take(client, cost, force=force)

    async def _execute(
        self,
        items: list[OperationT],
        admitted: list[int],
        execute: Callable[[list[OperationT]], Awaitable[list[ExecutionResult]]],
    ) -> list[ExecutionResult]:
        try:
            return await self.deadlines.run(execute([items[i] for i in admitted]))
        except TimeoutError:
            message = f"The request exceeded its deadline of {self.timeout:g} s."
            return [_refusal(message, "TIMEOUT") for _ in admitted]

    def _annotate(
        self, result: ExecutionResult, requested: int, actual: int, take: Take | None, client: str
    ) -> None:
        cost: dict[str, Any] = {"requested": requested, "actual": actual}
        if take is not None and self.limiter is not None:
            tier = self.limiter.tier(client)
            cost["throttle"] = {
                "max": tier.capacity,
                "remaining": math.floor(take.remaining),
                "restoreRate": tier.rate,
            }
        result.extensions = {**(result.extensions or {}), "cost": cost}


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | str:
    """The operation to run, or why there is none (a request error)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) == 1:
            return operations[0]
        return "The document has several operations: operationName is required."
    found = next((o for o in operations if o.name and o.name.value == name), None)
    return found if found is not None else f"Unknown operation named '{echo(name)}'."


def _refusal(message: str, code: str, **extensions: Any) -> ExecutionResult:
    extensions = {k: v for k, v in extensions.items() if v is not None}
    return ExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": code, **extensions})]
    )


def _too_complex(exc: SelectionTooComplex) -> ExecutionResult:
    return _refusal(str(exc), exc.code, limit=exc.limit)


def _with_code(error: GraphQLError) -> GraphQLError:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
    return error
