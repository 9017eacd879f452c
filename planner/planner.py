"""The planned executor's entry point: plan (cached) then execute.

`Planner.execute` answers a request's data, or raises `Unplannable` /
`NeedsReference` so the caller hands the request to the reference executor.
Plans are cached in an LRU keyed by document hash, operation name, the
values of the variables @skip/@include read, and the viewer's scope, bounded
in plans and in bytes (a plan weighs about what its document does).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues, get_variable_values

from bounded import BoundedLRU, budget, client_bytes
from planner import reasons
from planner.execute import NeedsReference, Run
from planner.plan import OperationPlan, PlanBuilder, Registry, Scans, Unplannable, find_operation
from prepared import Memo
from selections import SelectionTooComplex

if TYPE_CHECKING:
    from context import Context
    from prepared import PreparedDocument

# The operation a request names, or why the planner cannot run it (per document).
_OPERATION: Memo[OperationDefinitionNode | Unplannable] = Memo("planner.operation")
_SCALARS = frozenset({str, int, float, bool, type(None)})
DEFAULT_MAX_PLAN_BYTES = budget.PLANS
# Coerced variables remembered: values are the client's, so a request whose
# variables weigh more than this is coerced every time rather than kept.
MAX_COERCED_BYTES = budget.COERCED_VARIABLES
MAX_COERCED_ENTRY_BYTES = 4 * 1024


class Bound(NamedTuple):
    """A request's plan and its coerced variables: what `Planner.run` executes."""

    plan: OperationPlan
    variables: VariableValues


class Planner:
    def __init__(
        self,
        schema: GraphQLSchema,
        registry: Registry,
        *,
        maxsize: int = 1024,
        max_bytes: int = DEFAULT_MAX_PLAN_BYTES,
        scans: Scans | None = None,
    ) -> None:
        self.schema = schema
        self.registry = registry
        self.maxsize = maxsize
        self.scans = scans  # how plans price aggregates for the cost (`PlanBuilder`)
        # A plan weighs its key's text plus its document's weight, which its size follows.
        self._plans: BoundedLRU[Hashable, OperationPlan | Unplannable] = BoundedLRU(
            maxsize, max_bytes
        )
        self._coerced: BoundedLRU[Hashable, VariableValues | list[GraphQLError]] = BoundedLRU(
            maxsize * 4,
            MAX_COERCED_BYTES,
            max_entry_bytes=MAX_COERCED_ENTRY_BYTES,
            weigh=_coerced_bytes,
        )

    def __len__(self) -> int:
        return len(self._plans)

    async def execute(
        self,
        context: Context,
        prepared: PreparedDocument,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Run:
        """The finished run: its `data`, and the objects it built by type."""
        bound = self.bind(prepared, operation_name, variables, is_admin=context.viewer.is_admin)
        return await self.run(context, bound)

    def bind(
        self,
        prepared: PreparedDocument,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        *,
        is_admin: bool,
    ) -> Bound:
        """The operation's plan with the request's coerced variables, or `Unplannable`."""
        if not prepared.is_valid or prepared.document is None:
            raise Unplannable(reasons.INVALID_DOCUMENT)
        operation = self._operation(prepared, operation_name)
        coerced = self._coerce(prepared, operation_name, operation, variables)
        if isinstance(coerced, list):
            raise Unplannable(reasons.INVALID_VARIABLES)
        flags = prepared.selections.flags(coerced.coerced)
        plan = self._plan(prepared, operation_name, operation, flags, is_admin)
        return Bound(plan, coerced)

    def _coerce(
        self,
        prepared: PreparedDocument,
        operation_name: str | None,
        operation: Any,
        variables: Mapping[str, Any] | None,
    ) -> VariableValues | list[GraphQLError]:
        """The operation's coerced variables; remembered when they are all scalars
        (clients resend the same ids) and light, in an LRU of results nobody mutates."""
        # With each value's type: True == 1 == 1.0 as keys, not as GraphQL input.
        items = tuple((name, type(value), value) for name, value in (variables or {}).items())
        key = None
        if all(kind in _SCALARS for _, kind, _ in items):
            key = (prepared.sha256, operation_name, items)
            found = self._coerced.get(key)
            if found is not None:
                return found
        coerced = get_variable_values(
            self.schema, operation.variable_definitions or (), dict(variables or {})
        )
        if key is not None:
            self._coerced.put(key, coerced)
        return coerced

    async def run(self, context: Context, bound: Bound) -> Run:
        run = Run(context, bound.variables)
        await run.execute(bound.plan)
        return run

    def _operation(self, prepared: PreparedDocument, name: str | None) -> OperationDefinitionNode:
        found = prepared.memo.get(_OPERATION, name)
        if found is None:
            assert prepared.document is not None
            try:
                found = find_operation(prepared.document, name)
            except Unplannable as exc:
                found = exc.again()
            if name is None or not isinstance(found, Unplannable):
                prepared.memo.set(_OPERATION, name, found)  # a name the document lacks: not kept
        if isinstance(found, Unplannable):
            raise found.again()
        return found

    def _plan(
        self,
        prepared: PreparedDocument,
        operation_name: str | None,
        operation: OperationDefinitionNode,
        flags: tuple[bool, ...] | None,
        is_admin: bool,
    ) -> OperationPlan:
        key = (prepared.sha256, operation_name, flags, is_admin)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build(prepared, operation, flags, is_admin)
            self._plans.put(key, plan, client_bytes(key) + prepared.weight)
        if isinstance(plan, Unplannable):
            raise plan.again()
        return plan

    def _build(
        self,
        prepared: PreparedDocument,
        operation: OperationDefinitionNode,
        flags: tuple[bool, ...] | None,
        is_admin: bool,
    ) -> OperationPlan | Unplannable:
        try:
            collected = prepared.selections.collect(operation, flags)
            builder = PlanBuilder(self.schema, self.registry, is_admin, self.scans)
            return builder.operation(collected)
        except SelectionTooComplex:  # the limits guard refuses it
            return Unplannable(reasons.SELECTION_TOO_COMPLEX)
        except Unplannable as exc:
            return exc.again()


def _coerced_bytes(key: Hashable, coerced: VariableValues | list[GraphQLError]) -> int:
    """The key's values (coerced scalars are the same objects); errors quote them."""
    if isinstance(coerced, list):
        return client_bytes(key) + sum(client_bytes(error.message) for error in coerced)
    return client_bytes(key)


__all__ = ["Bound", "NeedsReference", "Planner", "Unplannable"]
