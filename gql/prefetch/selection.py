"""The collected selections below the field being resolved (selections/).

The operation's tree is the prepared document's (memoized per document and
@skip/@include values, the one the planner and the cost read) when the app's
document cache holds it; otherwise (a schema executed directly) it is
collected for the request, with the same collector and budget.
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, OperationDefinitionNode
from graphql.execution.values import VariableValues

from selections import (
    CollectedField,
    CollectedOperation,
    DocumentSelections,
    SelectionTooComplex,
)


def variable_values(info: Any) -> VariableValues:
    """graphql-core's container for the operation's variables.

    Strawberry hands resolvers the plain coerced dict, but graphql-core 3.3
    reads `.coerced` when an argument or directive holds a variable.
    """
    values = info.variable_values
    return values if isinstance(values, VariableValues) else VariableValues({}, values or {})


def collected(info: Any) -> CollectedOperation:
    """The operation's tree for this request's @skip/@include values."""
    operation = info.operation
    documents = getattr(info.context, "documents", None)
    location = operation.loc
    prepared = None
    if documents is not None and location is not None:
        prepared = documents.peek(location.source.body)  # the text it was parsed from
    selections: DocumentSelections
    if prepared is not None and _holds(prepared.document, operation):
        selections = prepared.selections
    else:
        document = DocumentNode(definitions=(operation, *info.fragments.values()))
        selections = DocumentSelections(info.schema, document)
    return selections.collect(operation, selections.flags(variable_values(info).coerced))


def _holds(document: DocumentNode | None, operation: OperationDefinitionNode) -> bool:
    return document is not None and any(d is operation for d in document.definitions)


def located(info: Any) -> CollectedField | None:
    """The current field in the operation's tree (by its response path), if found."""
    keys: list[tuple[str, str | None]] = []
    path = info.path
    while path is not None:
        if isinstance(path.key, str):
            keys.append((path.key, path.typename))
        path = path.prev
    try:
        selected = collected(info).root
    except SelectionTooComplex:  # refused before execution when served by the app
        return None
    found: CollectedField | None = None
    for key, parent_type in reversed(keys):
        if found is not None:
            selected = found.objects.get(parent_type) if parent_type else None
        found = None if selected is None else selected.fields.get(key)
        if found is None:
            return None
    return found


def selects(info: Any, *paths: tuple[str, ...]) -> bool:
    """Whether the current field's selection reaches any of `paths` (field names)."""
    found = located(info)
    return found is not None and any(_selects(found, path) for path in paths)


def _selects(found: CollectedField, path: tuple[str, ...]) -> bool:
    head, rest = path[0], path[1:]
    below = [f for o in found.objects.values() for f in o.fields.values() if f.name == head]
    if not below or not rest:
        return bool(below)
    return any(_selects(f, rest) for f in below)
