"""Strawberry internals: the graphql-core objects behind its public ones.

Strawberry keeps the graphql-core schema it builds (`Schema._schema`), the
graphql-core resolve info behind its `Info` (`Info._raw_info`), a link back
from the graphql-core schema to itself (`GraphQLSchema._strawberry_schema`)
and each resolver's undecorated function (`StrawberryResolver.wrapped_func`),
and converts raw argument values with `strawberry.types.arguments`. None of
these is public; tests/compat/test_strawberry.py pins each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from strawberry.types.arguments import convert_arguments

if TYPE_CHECKING:
    import strawberry
    from graphql import GraphQLResolveInfo, GraphQLSchema
    from strawberry.types.field import StrawberryField


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema a Strawberry schema executes with."""
    found: GraphQLSchema = schema._schema
    return found


def strawberry_schema(schema: GraphQLSchema) -> strawberry.Schema:
    """The Strawberry schema that built `schema` (in a graphql-core resolver)."""
    found: strawberry.Schema = schema._strawberry_schema  # type: ignore[attr-defined]
    return found


def raw_info(info: strawberry.Info[Any, Any]) -> GraphQLResolveInfo[Any]:
    """The graphql-core resolve info behind a Strawberry `Info`."""
    found: GraphQLResolveInfo[Any] = info._raw_info
    return found


def resolver_function(field: StrawberryField) -> Callable[..., Any] | None:
    """The function a field's resolver decorates; None for a plain attribute field
    (and for a static or class method, which is not called as `function(source, ...)`)."""
    resolver = field.base_resolver
    function = None if resolver is None else resolver.wrapped_func
    return function if callable(function) else None


def field_arguments(
    schema: strawberry.Schema, field: StrawberryField, raw: dict[str, Any]
) -> dict[str, Any]:
    """graphql-core's coerced argument values as Strawberry passes them to the resolver
    (input objects built, Python names)."""
    converted: dict[str, Any] = convert_arguments(
        raw, field.arguments, schema.schema_converter.scalar_registry, schema.config
    )
    return converted
