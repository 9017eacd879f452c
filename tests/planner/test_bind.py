"""`Planner.bind`: variables coerced per request, remembered only where that is exact."""

from __future__ import annotations

import pytest

from compat.strawberry import graphql_schema
from gql.planned import FIELD_REGISTRY
from gql.schema import build_schema, document_cache
from planner import Planner, Unplannable, reasons

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


def test_remembered_variables_are_bounded_in_bytes() -> None:
    schema = build_schema()
    planner = Planner(graphql_schema(schema), FIELD_REGISTRY, maxsize=8)  # 32 coerced entries
    prepared = document_cache(schema).prepare(QUERY)
    for i in range(100):  # ids are the client's: heavy ones are coerced every time
        heavy = {"n": 1, "id": f"{i}" + "x" * 50_000}
        planner.bind(prepared, None, heavy, is_admin=False)
    assert len(planner._coerced) == 0 and planner._coerced.bytes == 0
    for i in range(500):
        light = {"n": i, "id": "RHJpdmVyOjE=" + "=" * (i % 7)}
        planner.bind(prepared, None, light, is_admin=False)
    assert len(planner._coerced) <= 32
    assert 0 < planner._coerced.bytes <= planner._coerced.max_bytes


def test_an_unknown_operation_name_is_not_remembered() -> None:
    schema = build_schema()
    planner = Planner(graphql_schema(schema), FIELD_REGISTRY)
    prepared = document_cache(schema).prepare("query Known { seasons(first: 1) { totalCount } }")
    for i in range(60):
        with pytest.raises(Unplannable, match=reasons.UNKNOWN_OPERATION):
            planner.bind(prepared, f"{i}" + "n" * 95_000, None, is_admin=False)
    assert all(len(key) < 100 for key in prepared.derived)
    planner.bind(prepared, "Known", None, is_admin=False)
    assert len(planner) == 1
    assert planner._plans.bytes >= prepared.weight
