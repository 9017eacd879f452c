"""The fast resolver/leaf paths answer exactly as Strawberry + graphql-core would."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from compat.graphql_core import FastLeafExecutionContext
from gql.fast_resolvers import install_fast_resolvers


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    tags: list[str]
    weight: float


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            Item(name="a", nickname=None, colour=Colour.RED, tags=["x", "y"], weight=1.5),
            Item(name=None, nickname="n", colour=Colour.BLUE, tags=[], weight=2.0),  # type: ignore[arg-type]
        ]


QUERY = "{ items { name nickname colour tags weight } }"


def _run(fast: bool) -> Any:
    kwargs: dict[str, Any] = {"execution_context_class": FastLeafExecutionContext} if fast else {}
    schema = strawberry.Schema(query=Query, **kwargs)
    if fast:
        install_fast_resolvers(schema)
    result = schema.execute_sync(QUERY)
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors


def test_fast_paths_give_the_same_data_and_errors() -> None:
    assert _run(fast=True) == _run(fast=False)


def test_null_in_a_non_null_leaf_propagates_to_the_nullable_parent() -> None:
    data, errors = _run(fast=True)
    assert data == {
        "items": [
            {"name": "a", "nickname": None, "colour": "RED", "tags": ["x", "y"], "weight": 1.5},
            None,
        ]
    }
    assert errors == [
        ("Cannot return null for non-nullable field Item.name.", ["items", 1, "name"])
    ]
