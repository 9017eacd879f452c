"""`Planner.bind`: variables coerced per request, remembered only where that is exact."""

from __future__ import annotations

import pytest

from compat.strawberry import graphql_schema
from gql.planned import FIELD_REGISTRY
from gql.schema import build_schema, document_cache
from planner import Planner, Unplannable

QUERY = "query($n: Int, $id: ID!) { driver(id: $id) { trips(first: $n) { totalCount } } }"


@pytest.fixture
def planner_and_document() -> tuple[Planner, object]:
    schema = build_schema()
    return Planner(graphql_schema(schema), FIELD_REGISTRY), document_cache(schema).prepare(QUERY)


def test_equal_values_of_other_types_are_not_confused(
    planner_and_document: tuple[Planner, object],
) -> None:
    planner, prepared = planner_and_document
    # As dict keys True == 1 == 1.0; as GraphQL Int input only 1 coerces.
    bound = planner.bind(prepared, None, {"n": 1, "id": "RHJpdmVyOjE="}, is_admin=False)  # type: ignore[arg-type]
    assert bound.variables.coerced["n"] == 1
    for wrong in (True, 1.5, "1"):
        with pytest.raises(Unplannable, match="invalid_variables"):
            planner.bind(prepared, None, {"n": wrong, "id": "RHJpdmVyOjE="}, is_admin=False)  # type: ignore[arg-type]
    again = planner.bind(prepared, None, {"n": 1, "id": "RHJpdmVyOjE="}, is_admin=False)  # type: ignore[arg-type]
    assert again.variables is bound.variables  # remembered: scalars only


def test_structured_values_are_coerced_every_time(
    planner_and_document: tuple[Planner, object],
) -> None:
    planner, _ = planner_and_document
    prepared = document_cache(build_schema()).prepare(
        "query($f: TripFilter) { trips(first: 2, filter: $f) { totalCount } }"
    )
    variables = {"f": {"minDistanceKm": 5}}
    first = planner.bind(prepared, None, variables, is_admin=False)  # type: ignore[arg-type]
    second = planner.bind(prepared, None, variables, is_admin=False)  # type: ignore[arg-type]
    assert first.variables is not second.variables
    assert first.variables.coerced == second.variables.coerced
