"""Cost: connections multiply their items by first/last; wrappers are free."""

from __future__ import annotations

from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from limits.cost import MUTATION_COST, CostTree, compile_cost

Q2 = """query Q2 { drivers(first:20, orderBy:{field:NAME,direction:ASC}){ pageInfo{hasNextPage}
  nodes{ id name trips(first:10){ totalCount nodes{ id safetyEvents(first:5){ nodes{kind} } } } }
  } }"""
Q4 = """query Q4 { leaderboard(first:50){ season{name} nodes{ rank value stats{trips}
  driver{ id name vehicle{plate} } } } }"""


def tree(text: str) -> CostTree:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return compile_cost(graphql_schema(build_schema()), operation, fragments)


def test_nested_connections_multiply() -> None:
    # 20 drivers x (1 + 10 trips x (1 + 5 events))
    assert tree(Q2).requested(None) == 20 * (1 + 10 * (1 + 5))


def test_objects_under_a_page_count_once_each() -> None:
    # 50 entries x (entry, stats, driver, vehicle) + the season
    assert tree(Q4).requested(None) == 50 * 4 + 1


def test_default_page_size_when_first_and_last_are_absent() -> None:
    assert tree("{ drivers { nodes { id } } }").requested(None) == 20


def test_edges_and_nodes_count_the_same() -> None:
    assert tree("{ drivers(first: 7) { edges { node { id } } } }").requested(None) == 7


def test_variables_decide_the_page_size() -> None:
    t = tree("query($n: Int) { drivers(first: $n) { nodes { id } } }")
    assert t.requested({"n": 3}) == 3
    assert t.requested({}) == 20
    assert t.requested({"n": 10_000}) == 100  # refused by the resolver; costs the maximum


def test_last_counts_like_first() -> None:
    assert tree("{ seasons(last: 4) { nodes { id } } }").requested(None) == 4


def test_nodes_by_ids_count_the_ids() -> None:
    assert tree('{ nodes(ids: ["a", "b", "c"]) { id } }').requested(None) == 3
    t = tree("query($ids: [ID!]!) { nodes(ids: $ids) { id } }")
    assert t.requested({"ids": ["a"] * 9}) == 9


def test_fragments_and_aliases() -> None:
    text = """{ a: drivers(first: 2) { ...D } b: drivers(first: 3) { ...D } }
      fragment D on DriverConnection { nodes { vehicle { plate } } }"""
    assert tree(text).requested(None) == 2 * 2 + 3 * 2


def test_scalars_cost_nothing() -> None:
    assert tree("{ __typename fleetSummary { drivers trips } }").requested(None) == 1


def test_mutations_cost_extra() -> None:
    text = """mutation { deleteTrip(id: "x") { deletedId userErrors { message } } }"""
    assert tree(text).requested(None) == MUTATION_COST + 1 + 1


def test_actual_counts_what_came_back() -> None:
    t = tree(Q2)
    data: dict[str, Any] = {
        "drivers": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [
                {
                    "id": "1",
                    "name": "a",
                    "trips": {
                        "totalCount": 1,
                        "nodes": [{"id": "t", "safetyEvents": {"nodes": [{"kind": "SPEEDING"}]}}],
                    },
                },
                {"id": "2", "name": "b", "trips": {"totalCount": 0, "nodes": []}},
            ],
        }
    }
    assert t.actual(data) == 2 + 1 + 1
    assert t.actual(None) == 0
