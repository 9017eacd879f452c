"""Plain graphql-core resolvers for fields that need none of Strawberry's wrapping.

Strawberry resolves every field through layers (extension hooks, argument
conversion, result coercion) that cost a few microseconds each; a wide
response completes thousands of fields. Where a field has no extensions or
permissions, this swaps in a direct resolver with the same behaviour:
- a plain attribute field reads the attribute;
- a method field whose arguments are all scalars, ids or enums (values
  graphql-core already coerced to what Strawberry would pass) calls the
  method directly, renaming arguments to their Python names.
Fields with input-object arguments keep Strawberry's conversion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import (
    GraphQLInputObjectType,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from strawberry.types.field import StrawberryField

from compat.graphql_core import mark_fast_leaf
from compat.strawberry import graphql_schema, resolver_function

Resolve = Callable[..., Any]


def _attribute(python_name: str) -> Resolve:
    def resolve(source: Any, info: Any) -> Any:
        return getattr(source, python_name)

    return resolve


def _method(function: Callable[..., Any], info_name: str | None, names: dict[str, str]) -> Resolve:
    def resolve(source: Any, info: Any, **arguments: Any) -> Any:
        kwargs = {names[name]: value for name, value in arguments.items()}
        if info_name is not None:
            kwargs[info_name] = info  # our resolvers only read `info.context`
        return function(source, **kwargs)

    return resolve


def _fast(schema: strawberry.Schema, field: StrawberryField, graphql_field: Any) -> Resolve | None:
    if field.extensions or field.permission_classes or field.directives:
        return None
    if field.base_resolver is None:
        return _attribute(field.python_name)
    resolver = field.base_resolver
    if resolver.is_async:
        return None
    if any(
        isinstance(get_named_type(arg.type), GraphQLInputObjectType)
        for arg in graphql_field.args.values()
    ):
        return None
    names = {
        schema.config.name_converter.get_graphql_name(argument): argument.python_name
        for argument in field.arguments
    }
    function = resolver_function(field)
    if function is None:  # static/class methods keep Strawberry's path
        return None
    info = resolver.info_parameter
    return _method(function, info.name if info else None, names)


def install_fast_resolvers(schema: strawberry.Schema) -> None:
    type_map = graphql_schema(schema).type_map
    for type_name, graphql_type in type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if type_name in {"Query", "Mutation", "Subscription"}:
            continue  # roots keep Strawberry's full path (prefetch needs its Info)
        for field_name, graphql_field in graphql_type.fields.items():
            field = schema.get_field_for_type(field_name=field_name, type_name=type_name)
            if field is None:
                continue
            fast = _fast(schema, field, graphql_field)
            if fast is not None:
                graphql_field.resolve = fast
                _mark_plain_leaf(field, graphql_field)


def _mark_plain_leaf(field: StrawberryField, graphql_field: Any) -> None:
    """Let the execution context (compat/graphql_core.py) read and serialize this field
    without the full walk."""
    leaf = get_nullable_type(graphql_field.type)  # a list of leaves is not a leaf
    if field.base_resolver is None and not graphql_field.args and is_leaf_type(leaf):
        mark_fast_leaf(graphql_field, field.python_name, leaf)
