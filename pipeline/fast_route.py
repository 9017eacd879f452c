"""What the fast path (gql/fast_path.py) answers itself: a plain query run on
either executor with no response cache in front, or any cache hit. Anything
else, with the steps already run, is handed over to the general route: an
invalid document, a mutation, an APQ registration, a miss or bypass of the
response cache (the general route computes and stores it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import OperationDefinitionNode, OperationType

from prepared import Memo, PreparedDocument

if TYPE_CHECKING:
    from pipeline.request import Operation
    from pipeline.response_cache import Bypass, Cacheable

IS_QUERY: Memo[bool] = Memo("fast_route.is_query")


def takes(
    operations: tuple[Operation, ...],
    prepared: PreparedDocument | None,
    lookup: Cacheable | Bypass | None,
) -> bool:
    """Whether the fast path answers a request that is not a cache hit."""
    item = operations[0]
    return (
        lookup is None
        and not item.registers
        and prepared is not None
        and prepared.is_valid
        and is_query(prepared, item.operation_name)
    )


def is_query(prepared: PreparedDocument, operation_name: str | None) -> bool:
    """Whether the operation the request names (or the only one) is a query."""
    known = prepared.memo.get(IS_QUERY, operation_name)
    if known is None:
        operation = _operation(prepared, operation_name)
        if operation is None:
            return False  # not remembered: clients choose the names they send
        query = operation.operation is OperationType.QUERY
        known = prepared.memo.set(IS_QUERY, operation_name, query)
    return known


def _operation(
    prepared: PreparedDocument, operation_name: str | None
) -> OperationDefinitionNode | None:
    if prepared.document is None:
        return None
    found: OperationDefinitionNode | None = None
    for definition in prepared.document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is None:
            if found is not None:
                return None  # several operations: the general route says which name is needed
            found = definition
        elif definition.name is not None and definition.name.value == operation_name:
            return definition
    return found
