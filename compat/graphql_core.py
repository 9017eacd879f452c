"""graphql-core internals: a shorter path for plain leaf fields.

A speed-up of the reference executor (decision 0022 has the paired A/B
figures that keep it). `FastLeafExecutionContext` overrides
`ExecutionContext.execute_field`, which graphql-core marks private, and is
built on Strawberry's execution context (an internal module). Most fields of
a wide response are scalars read straight off an object (`name`,
`distanceKm`, ...); graphql-core still builds a resolve-info record, checks
arguments, calls a resolver and dispatches completion for each. For a field
marked by `mark_fast_leaf` this reads the attribute and serializes it
directly. Anything unusual (a null, a serializer refusing the value) falls
back to graphql-core's own path, so errors and null propagation stay
graphql-core's.

tests/compat/test_graphql_core.py pins the assumptions.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLField, GraphQLLeafType, GraphQLObjectType, Undefined
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# A GraphQLField's `extensions` entry set by `mark_fast_leaf`: (attribute, leaf type).
FAST_LEAF = "fleetgraph.fast_leaf"


def mark_fast_leaf(field: GraphQLField, attribute: str, leaf: GraphQLLeafType) -> None:
    """Let `FastLeafExecutionContext` read `attribute` and serialize it as `leaf`."""
    field.extensions = {**(field.extensions or {}), FAST_LEAF: (attribute, leaf)}


class FastLeafExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        fast = None if field is None else field.extensions.get(FAST_LEAF)
        if fast is not None:
            value = getattr(source, fast[0], None)
            if value is not None:
                coerced = fast[1].coerce_output_value(value)
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
