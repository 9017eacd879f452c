"""compat/graphql_core.py: each graphql-core internal it relies on, pinned by name."""

from __future__ import annotations

import enum
import inspect
from typing import Any

import strawberry
from graphql import GraphQLEnumType, GraphQLObjectType

from compat.graphql_core import FAST_LEAF, FastLeafExecutionContext, fast_enum_output
from compat.strawberry import graphql_schema
from gql.fast_resolvers import install_fast_resolvers


@strawberry.enum
class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


@strawberry.type
class Reading:
    name: str
    level: Level


@strawberry.type
class Query:
    @strawberry.field
    def readings(self) -> list[Reading]:
        return [Reading(name="a", level=Level.LOW), Reading(name="b", level=Level.HIGH)]


def _schema() -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, execution_context_class=FastLeafExecutionContext)
    install_fast_resolvers(schema)
    return schema


def test_execute_field_keeps_its_signature() -> None:
    parameters = list(
        inspect.signature(FastLeafExecutionContext.__mro__[1].execute_field).parameters
    )
    assert parameters == [
        "self",
        "parent_type",
        "source",
        "field_details_list",
        "path",
        "position_context",
    ], (
        "graphql-core no longer calls ExecutionContext.execute_field with "
        f"(parent_type, source, field_details_list, path, position_context): {parameters}"
    )


def test_every_field_goes_through_execute_field_and_marked_leaves_skip_the_resolver() -> None:
    schema = _schema()
    reading = graphql_schema(schema).get_type("Reading")
    assert isinstance(reading, GraphQLObjectType)
    assert reading.fields["name"].extensions.get(FAST_LEAF) is not None
    resolved: list[str] = []
    original = reading.fields["name"].resolve

    def watched(source: Any, info: Any) -> Any:
        resolved.append(info.field_name)
        return original(source, info) if original else source.name

    reading.fields["name"].resolve = watched
    result = schema.execute_sync("{ readings { name level } }")
    assert result.errors is None
    assert result.data == {
        "readings": [{"name": "a", "level": "LOW"}, {"name": "b", "level": "HIGH"}]
    }
    assert resolved == [], (
        "graphql-core no longer routes each field through ExecutionContext.execute_field "
        "(or Strawberry no longer passes execution_context_class on): the marked leaf "
        "`name` was resolved the slow way"
    )


def test_enum_values_are_serialized_through_the_types_coerce_output_value() -> None:
    schema = _schema()
    level = graphql_schema(schema).get_type("Level")
    assert isinstance(level, GraphQLEnumType)
    calls: list[object] = []
    fast = level.coerce_output_value

    def counted(value: Any) -> Any:
        calls.append(value)
        return fast(value)

    level.coerce_output_value = counted  # type: ignore[method-assign]
    level.serialize = counted  # type: ignore[method-assign]
    result = schema.execute_sync("{ readings { level } }")
    assert result.data == {"readings": [{"level": "LOW"}, {"level": "HIGH"}]}
    assert len(calls) == 2, (
        "graphql-core no longer serializes enum output through the enum type instance's "
        "coerce_output_value/serialize, so fast_enum_output would not take effect"
    )


def test_fast_enum_output_answers_like_strawberry() -> None:
    plain = graphql_schema(strawberry.Schema(query=Query)).get_type("Level")
    patched = graphql_schema(strawberry.Schema(query=Query)).get_type("Level")
    assert isinstance(plain, GraphQLEnumType) and isinstance(patched, GraphQLEnumType)
    fast_enum_output(patched)
    for value in (Level.LOW, Level.HIGH, "LOW", "low"):
        try:
            expected: object = plain.coerce_output_value(value)
        except Exception as exc:
            expected = type(exc)
        try:
            got: object = patched.coerce_output_value(value)
        except Exception as exc:
            got = type(exc)
        assert got == expected, value
