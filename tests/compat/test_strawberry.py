"""compat/strawberry.py: each Strawberry internal it reads, pinned by name."""

from __future__ import annotations

import strawberry
from graphql import GraphQLResolveInfo, GraphQLSchema

from compat.strawberry import (
    field_arguments,
    graphql_schema,
    raw_info,
    resolver_function,
    strawberry_schema,
)

SEEN: list[object] = []


@strawberry.input
class Window:
    first: int
    label: str = "all"


def _shout(root: Item, suffix: str) -> str:
    return root.name.upper() + suffix


@strawberry.type
class Item:
    name: str
    shout: str = strawberry.field(resolver=_shout)


@strawberry.type
class Query:
    @strawberry.field
    def item(self, info: strawberry.Info) -> Item:
        SEEN.append(raw_info(info))
        return Item(name="a")

    @strawberry.field
    def windowed(self, window: Window) -> int:
        return window.first


SCHEMA = strawberry.Schema(query=Query)


def test_the_graphql_core_schema_is_kept_in_schema_private_attribute() -> None:
    core = graphql_schema(SCHEMA)
    assert isinstance(core, GraphQLSchema), (
        "strawberry.Schema no longer keeps its graphql-core schema in `_schema`"
    )
    assert core.query_type is not None and "item" in core.query_type.fields


def test_the_graphql_core_schema_links_back_to_strawberry() -> None:
    assert strawberry_schema(graphql_schema(SCHEMA)) is SCHEMA, (
        "graphql-core schemas built by Strawberry no longer link back to it "
        "through `_strawberry_schema`"
    )


def test_info_wraps_graphql_core_resolve_info() -> None:
    SEEN.clear()
    result = SCHEMA.execute_sync("{ item { name } }")
    assert result.errors is None
    [seen] = SEEN
    missing = [name for name in GraphQLResolveInfo._fields if not hasattr(seen, name)]
    assert not missing and getattr(seen, "field_name", None) == "item", (
        "strawberry.Info no longer wraps graphql-core's resolve info in `_raw_info` "
        f"(missing {missing})"
    )


def test_wrapped_func_is_the_decorated_function() -> None:
    field = SCHEMA.get_field_for_type(field_name="shout", type_name="Item")
    assert field is not None
    assert resolver_function(field) is _shout, (
        "StrawberryResolver.wrapped_func is no longer the function the resolver decorates"
    )
    plain = SCHEMA.get_field_for_type(field_name="name", type_name="Item")
    assert plain is not None and resolver_function(plain) is None


def test_convert_arguments_builds_inputs_from_raw_values() -> None:
    field = SCHEMA.get_field_for_type(field_name="windowed", type_name="Query")
    assert field is not None
    converted = field_arguments(SCHEMA, field, {"window": {"first": 3}})
    assert converted == {"window": Window(first=3, label="all")}, (
        "strawberry.types.arguments.convert_arguments(values, arguments, scalar_registry, "
        "config) no longer turns graphql-core's argument values into resolver arguments"
    )
