"""Admission around execution: cost budget, rate limit, deadline, `extensions.cost`.

It wraps the whole execution step (either executor), so nothing here depends
on how an operation is answered. Per operation: the document is prepared
(parse, limit rules, validation; cached per text), its cost tree compiled
once (kept in `PreparedDocument.derived`), the requested cost evaluated with
the request's variables and checked against the budget, then taken from the
client's bucket. After execution the unused part is refunded and every
result carries `extensions.cost` {requested, actual, throttle}.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from errors.domain import echo
from limits.buckets import Take
from limits.cost import CostTree, CountedResult, compile_cost
from limits.deadlines import Deadlines
from limits.rate_limiter import RateLimiter

Execute = Callable[[list[GraphQLRequestData]], Awaitable[list[ExecutionResult]]]


class Prepared(Protocol):
    """A parsed and validated document (`gql.documents.PreparedDocument`)."""

    @property
    def document(self) -> DocumentNode | None: ...
    @property
    def errors(self) -> tuple[GraphQLError, ...]: ...
    @property
    def derived(self) -> dict[str, Any]: ...


class RequestGuard:
    def __init__(
        self,
        schema: GraphQLSchema,
        prepare: Callable[[str], Awaitable[Prepared]],
        *,
        max_cost: int,
        timeout: float,
        limiter: RateLimiter | None,
    ) -> None:
        self.schema = schema
        self.prepare = prepare
        self.max_cost = max_cost
        self.timeout = timeout
        self.deadlines = Deadlines(timeout)
        self.limiter = limiter

    async def run(
        self,
        items: list[GraphQLRequestData],
        client: str,
        headers: MutableMapping[str, str],
        execute: Execute,
    ) -> list[ExecutionResult]:
        """One result per item, in order; refused items never reach `execute`."""
        results: list[ExecutionResult | None] = [None] * len(items)
        trees: list[CostTree | None] = [None] * len(items)
        requested = [0] * len(items)
        for i, item in enumerate(items):
            results[i], trees[i], requested[i] = await self._admit(item)
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
            except Exception:  # refused by the view (e.g. a mutation over GET): nothing ran
                if take is not None and take.allowed and total:
                    await self._take(client, -total)
                raise
            for i, result in zip(admitted, executed, strict=True):
                results[i] = result
        actual = [0] * len(items)
        for i in admitted:
            tree, done = trees[i], results[i]
            if isinstance(done, CountedResult):
                actual[i] = done.objects
            elif tree is not None and done is not None:
                actual[i] = tree.actual(done.data)
        if take is not None and take.allowed and total > sum(actual):
            take = await self._take(client, sum(actual) - total)  # refund the unused part
        final = [result for result in results if result is not None]
        for i, result in enumerate(final):
            self._annotate(result, requested[i], actual[i], take)
        return final

    async def _admit(
        self, item: GraphQLRequestData
    ) -> tuple[ExecutionResult | None, CostTree | None, int]:
        """(refusal or None, cost tree, requested cost) for one operation."""
        refusal, tree = await self._check_document(item)
        if refusal is not None or tree is None:
            return refusal, None, 0
        requested = tree.requested(item.variables)
        if requested > self.max_cost:
            message = f"Query cost {requested} exceeds the limit of {self.max_cost}."
            refusal = _refusal(message, "QUERY_TOO_COSTLY", limit=self.max_cost, cost=requested)
        return refusal, tree, requested

    def _throttled(
        self, take: Take, total: int, headers: MutableMapping[str, str]
    ) -> ExecutionResult:
        retry = round(take.retry_after, 3) if math.isfinite(take.retry_after) else None
        if retry is not None:
            headers["Retry-After"] = str(max(1, math.ceil(retry)))
        message = f"Throttled: cost {total} exceeds the {take.remaining:.0f} points available."
        return _refusal(message, "THROTTLED", retryAfter=retry)

    async def _check_document(
        self, item: GraphQLRequestData
    ) -> tuple[ExecutionResult | None, CostTree | None]:
        if item.query is None:
            return None, None  # Strawberry answers "no query" (HTTP 400)
        prepared = await self.prepare(item.query)
        if prepared.errors or prepared.document is None:
            return ExecutionResult(data=None, errors=[_with_code(e) for e in prepared.errors]), None
        operation = _operation(prepared.document, item.operation_name)
        if isinstance(operation, str):
            return _refusal(operation, "BAD_REQUEST"), None
        key = f"limits.cost:{item.operation_name or ''}"
        tree = prepared.derived.get(key)
        if tree is None:
            fragments = {
                d.name.value: d
                for d in prepared.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            tree = prepared.derived[key] = compile_cost(self.schema, operation, fragments)
        assert isinstance(tree, CostTree)
        return None, tree

    async def _take(self, client: str, cost: int) -> Take | None:
        if self.limiter is None:
            return None
        return await self.limiter.take(client, cost)

    async def _execute(
        self, items: list[GraphQLRequestData], admitted: list[int], execute: Execute
    ) -> list[ExecutionResult]:
        try:
            return await self.deadlines.run(execute([items[i] for i in admitted]))
        except TimeoutError:
            message = f"The request exceeded its deadline of {self.timeout:g} s."
            return [_refusal(message, "TIMEOUT") for _ in admitted]

    def _annotate(
        self, result: ExecutionResult, requested: int, actual: int, take: Take | None
    ) -> None:
        cost: dict[str, Any] = {"requested": requested, "actual": actual}
        if take is not None and self.limiter is not None:
            cost["throttle"] = {
                "max": self.limiter.capacity,
                "remaining": math.floor(take.remaining),
                "restoreRate": self.limiter.rate,
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


def _with_code(error: GraphQLError) -> GraphQLError:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
    return error
