"""Arguments without variables are coerced once, when the plan is built
(planner/plan.py `constant_arguments`); with a variable anywhere in them, per request."""

from __future__ import annotations

from graphql import FieldNode, OperationDefinitionNode, parse

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from planner.plan import _constant_arguments


def _root_field(source: str) -> tuple[object, FieldNode]:
    schema = graphql_schema(build_schema())
    [operation] = parse(source).definitions
    assert isinstance(operation, OperationDefinitionNode)
    node = operation.selection_set.selections[0]
    assert isinstance(node, FieldNode)
    return schema.query_type.fields[node.name.value], node  # type: ignore[union-attr]


def test_literal_arguments_are_coerced_once_with_their_defaults() -> None:
    definition, node = _root_field(
        "{ drivers(first: 3, orderBy: {field: NAME, direction: DESC}) { totalCount } }"
    )
    arguments = _constant_arguments(definition, node)  # type: ignore[arg-type]
    assert arguments is not None
    assert arguments["first"] == 3
    assert arguments["after"] is None  # the contract's default, coerced too
    assert set(arguments["orderBy"]) == {"field", "direction"}


def test_a_variable_anywhere_makes_them_per_request() -> None:
    for source in (
        "query($n: Int) { drivers(first: $n) { totalCount } }",
        "query($d: OrderDirection!) { drivers(orderBy: {field: NAME, direction: $d}) "
        "{ totalCount } }",
        "query($r: String!) { drivers(filter: {region: {in: [$r]}}) { totalCount } }",
    ):
        definition, node = _root_field(source)
        assert _constant_arguments(definition, node) is None, source  # type: ignore[arg-type]


def test_omitted_arguments_are_their_defaults() -> None:
    definition, node = _root_field("{ fleetSummary { drivers } }")
    assert _constant_arguments(definition, node) == {"seasonId": None}  # type: ignore[arg-type]
