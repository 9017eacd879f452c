"""`Planner.bind`: variables coerced per request, remembered only where that is exact."""

from __future__ import annotations

import gc
import weakref

import pytest

from compat.strawberry import graphql_schema
from gql.planned import FIELD_REGISTRY
from gql.schema import build_schema, document_cache
from limits.scans import object_scan
from planner import Planner, Unplannable, reasons
from prepared import DocumentCache
from tests.selections.chain import chain

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
    assert prepared.memo.entries() == frozenset()
    planner.bind(prepared, "Known", None, is_admin=False)
    assert len(planner) == 1
    assert planner._plans.bytes >= prepared.weight


def test_the_doubling_fragment_chain_is_planned_from_a_linear_collection() -> None:
    schema = build_schema()
    planner = Planner(graphql_schema(schema), FIELD_REGISTRY)
    text = chain(30, leaf="id trips(first: 2) { totalCount nodes { id } }")
    prepared = document_cache(schema).prepare(text)
    bound = planner.bind(prepared, None, None, is_admin=False)
    assert bound.plan.levels == 5  # drivers, nodes, trips, nodes, id
    assert bound.plan.loads == 3  # batched fields: drivers, trips, totalCount
    collected = prepared.selections.collect(bound.plan.operation)
    assert collected.steps <= 5 * 30 + 30


def test_selections_over_the_budget_are_not_planned() -> None:
    schema = build_schema()
    # A tree over the budget (the limits guard refuses the request before it runs).
    prepared = DocumentCache(graphql_schema(schema), max_selection_steps=50).prepare(chain(30))
    with pytest.raises(Unplannable, match=reasons.SELECTION_TOO_COMPLEX):
        Planner(graphql_schema(schema), FIELD_REGISTRY).bind(prepared, None, None, is_admin=False)


def test_plans_count_aggregates_unless_below_an_abstract_field() -> None:
    schema = build_schema()
    planner = Planner(graphql_schema(schema), FIELD_REGISTRY, scans=object_scan)
    drivers = document_cache(schema).prepare("{ drivers(first: 3) { nodes { id rank } } }")
    plan = planner.bind(drivers, None, None, is_admin=False).plan
    assert plan.scans_counted
    [connection] = plan.root.children
    [page] = connection.objects.values()
    [nodes] = page.children
    assert nodes.objects["Driver"].scan == 10  # its rank (limits/scans.py)
    # The cost's walk of a response cannot tell a node's type: the guard walks it.
    query = '{ nodes(ids: ["RHJpdmVyOjI="]) { ... on Driver { rank } } }'
    plan = planner.bind(document_cache(schema).prepare(query), None, None, is_admin=False).plan
    assert not plan.scans_counted


class _Variables(dict[str, object]):
    """A variables mapping a weak reference can watch (a plain dict cannot)."""


@pytest.mark.parametrize(
    ("text", "operation_name"),
    [
        ("mutation { invalidateResponseCache(input: {everything: true}) { __typename } }", None),
        ("query A { __schema { queryType { name } } }", "A"),
        ("query A { seasons { name } } query B { seasons { name } }", None),
    ],
    ids=["not-a-query", "introspection", "operation-name-required"],
)
def test_an_unplannable_operation_keeps_no_request_alive(
    text: str, operation_name: str | None
) -> None:
    """The remembered verdict is raised as a fresh copy each time: raising one
    instance again would chain every request's frames (and variables) to it."""
    schema = build_schema()
    planner = Planner(graphql_schema(schema), FIELD_REGISTRY)
    prepared = document_cache(schema).prepare(text)
    watched = []
    for _ in range(3):
        variables = _Variables()
        watched.append(weakref.ref(variables))
        with pytest.raises(Unplannable):
            planner.bind(prepared, operation_name, variables, is_admin=True)  # type: ignore[arg-type]
        del variables
    gc.collect()
    assert [ref() for ref in watched] == [None, None, None]
