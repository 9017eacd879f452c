"""compat/graphql_core.py: the graphql-core internal it relies on, pinned by name."""

from __future__ import annotations

import enum
import inspect
from typing import Any

import strawberry
from graphql import GraphQLObjectType

from compat.graphql_core import FAST_LEAF, FastLeafExecutionContext
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
