"""The cache hints of a schema, read once from the Strawberry definitions."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLSchema, is_object_type

from cache.hints import CacheHint, field_hint, type_hint

_DEFINITION = "strawberry-definition"


@dataclass(frozen=True, slots=True)
class SchemaHints:
    types: dict[str, CacheHint] = field(default_factory=dict)
    fields: dict[tuple[str, str], CacheHint] = field(default_factory=dict)
    node_types: frozenset[str] = frozenset()  # object types implementing Node

    @classmethod
    def of(cls, schema: GraphQLSchema) -> SchemaHints:
        hints = cls()
        nodes = set()
        for name, graphql_type in schema.type_map.items():
            found = _type_hint(graphql_type)
            if found is not None:
                hints.types[name] = found
            if not is_object_type(graphql_type):
                continue
            assert isinstance(graphql_type, GraphQLObjectType)
            if any(i.name == "Node" for i in graphql_type.interfaces):
                nodes.add(name)
            for field_name, graphql_field in graphql_type.fields.items():
                definition = (graphql_field.extensions or {}).get(_DEFINITION)
                declared = field_hint(getattr(definition, "metadata", None))
                if declared is not None:
                    hints.fields[(name, field_name)] = declared
        return cls(hints.types, hints.fields, frozenset(nodes))


def _type_hint(graphql_type: GraphQLNamedType) -> CacheHint | None:
    definition = (graphql_type.extensions or {}).get(_DEFINITION)
    return type_hint(getattr(definition, "origin", None))
