"""graphql-core execution with a short path for plain leaf fields.

Most fields of a wide response are scalars read straight off an object
(`name`, `distanceKm`, ...). graphql-core still builds a resolve-info
record, checks arguments, calls a resolver and dispatches completion for
each. For fields that `gql.fast_resolvers` marks as plain attribute leaves,
this reads the attribute and serializes it directly. Anything unusual (a
null, a serializer refusing the value, arguments) falls back to
graphql-core's own path, so errors and null propagation stay graphql-core's.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, Undefined
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Set on a GraphQLField by gql.fast_resolvers: (attribute name, leaf type).
FAST_LEAF = "fleetgraph_fast_leaf"


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
        fast = getattr(parent_type.fields.get(node.name.value), FAST_LEAF, None)
        if fast is not None:
            value = getattr(source, fast[0], None)
            if value is not None:
                coerced = fast[1].coerce_output_value(value)
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
