"""Step 3: the response cache, in front of execution.

`look_up` finds a single query's entry (a `Hit`, answered as stored) or says
how the rest of the pipeline answers it: `Cacheable` (computed once per key,
then stored: pipeline/cache_flight.py) or `Bypass` (computed, never stored;
`extensions.cache` says why). The limits' document checks run first: nothing
reads the selections of a document they refuse. After a mutation, `invalidate_writes` drops what
it wrote (its transactions committed) before the response is built, so the
response can say how that went (`extensions.cache.invalidation`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graphql import GraphQLSchema, OperationDefinitionNode
from strawberry.types import ExecutionResult

from cache.entry import Entry
from cache.keys import cache_key, schema_version, scope_key
from cache.metrics import requests_counter
from cache.operation_stats import count as count_operation
from cache.plan import CachePlan, plan_operation
from cache.schema_hints import SchemaHints
from cache.service import ResponseCache, Unavailable
from observability import note_cache_status
from pipeline.answers import Answer, Hit

if TYPE_CHECKING:
    from context import Context
    from limits import RequestGuard
    from pipeline.request import GraphQLRequest, Operation
    from prepared import PreparedDocument


@dataclass(frozen=True, slots=True)
class Bypass:
    """Computed and never stored, for `reason` (a batch, a mutation, a refusal...)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Cacheable:
    """A cacheable query that missed: computed once per key, then stored."""

    plan: CachePlan
    key: str | None  # None: the cache is unavailable (computed, still with its headers)
    variables: dict[str, Any] | None
    is_get: bool
    operation: str | None  # its name in the document (a request may leave it out)


@dataclass(frozen=True, slots=True)
class Computed:
    """A computed answer and what the cache keeps of it (`entry` None: nothing)."""

    answer: Answer
    entry: Entry | None = None
    tags: frozenset[str] = frozenset()


Compute = Callable[[Cacheable | Bypass], Awaitable[Computed]]


class ResponseCacheStep:
    """The response cache's step, built once at start with the cache it serves."""

    def __init__(
        self, service: ResponseCache, schema: GraphQLSchema, sdl: str, guard: RequestGuard
    ) -> None:
        self.service = service
        self.schema = schema
        self.hints = SchemaHints.of(schema)
        self.version = schema_version(sdl)
        self.guard = guard
        self._plan_slot = (plan_operation, service.default_max_age)

    async def look_up(
        self,
        request: GraphQLRequest,
        operations: tuple[Operation, ...],
        prepared: PreparedDocument | None,
    ) -> Hit | Cacheable | Bypass:
        if request.batch:
            return Bypass("batch")
        if prepared is None or not prepared.is_valid:
            return Bypass("invalid")
        item = operations[0]
        if item.registers:
            return Bypass("registration")  # runs (charged, then stored) rather than hits
        operation = self.guard.check_document(prepared, item.operation_name)
        if isinstance(operation, ExecutionResult):
            return Bypass("refused")  # the limits answer with their refusal
        plan = self._plan(prepared, operation)
        if plan.bypass is not None:
            return Bypass(plan.bypass)
        key = cache_key(
            self.version,
            prepared.sha256,
            item.operation_name,
            item.variables,
            scope_key(plan.scope, request.viewer),
        )
        name = operation.name.value if operation.name else None
        try:
            entry = await self.service.get(key)
        except Unavailable:
            return Cacheable(plan, None, item.variables, request.is_get, name)
        if entry is None:
            return Cacheable(plan, key, item.variables, request.is_get, name)
        return self.hit(entry, key, name)

    def _plan(self, prepared: PreparedDocument, operation: OperationDefinitionNode) -> CachePlan:
        collected = prepared.selections.collect(operation)  # as checked: memoized
        plan: CachePlan | None = collected.derived.get(self._plan_slot)
        if plan is None:
            plan = collected.derived[self._plan_slot] = plan_operation(
                self.schema, self.hints, collected, self.service.default_max_age
            )
        return plan

    def hit(self, entry: Entry, key: str, operation: str | None) -> Hit:
        """A hit to send, counted."""
        requests_counter("hit", self.service.backend.name).inc()
        count_operation(operation, "hit")
        note_cache_status("hit")
        return Hit(entry, key, operation, self.service.compressed)

    async def hit_for(self, key: str, operation: str | None) -> Hit | None:
        """The entry under a known key, if there is one (the fast path's recipes)."""
        try:
            entry = await self.service.get(key)
        except Unavailable:
            return None
        return None if entry is None else self.hit(entry, key, operation)

    def count(self, operation: str | None, status: str) -> None:
        """A miss or a bypass, counted (`hit` counts hits)."""
        requests_counter(status, self.service.backend.name).inc()
        count_operation(operation, status)
        note_cache_status(status)

    async def invalidate_writes(
        self, context: Context, request_seconds: float, wal: int = 0
    ) -> None:
        """Drop what the request's mutations wrote, within the request's deadline
        (`request_seconds` from its start); the first attempt is made whatever the time.
        `wal`: the primary's WAL position after the writes (0: no replicas), recorded
        with the invalidation so no answer read from a replica behind it is stored."""
        written, context.invalidates = context.invalidates, set()
        elapsed = (datetime.now(UTC) - context.now).total_seconds()
        deadline = time.monotonic() + request_seconds - elapsed
        ok = await self.service.invalidate(written, deadline=deadline, wal=wal)
        context.invalidation = "ok" if ok and context.invalidation != "failed" else "failed"
