"""Cost: connections multiply their items by first/last; wrappers are free."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse

from compat.strawberry import graphql_schema
from config import Settings
from gql.schema import build_schema
from limits.cost import MUTATION_COST, CostTree, compile_cost
from limits.scans import LIST_LENGTHS
from resolvers.fleet_summary import MAX_ACTIVITY_DAYS
from selections import DEFAULT_MAX_STEPS, DocumentSelections

Q2 = """query Q2 { drivers(first:20, orderBy:{field:NAME,direction:ASC}){ pageInfo{hasNextPage}
  nodes{ id name trips(first:10){ totalCount nodes{ id safetyEvents(first:5){ nodes{kind} } } } }
  } }"""
Q4 = """query Q4 { leaderboard(first:50){ season{name} nodes{ rank value stats{trips}
  driver{ id name vehicle{plate} } } } }"""


def tree(text: str) -> CostTree:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return compile_cost(
        DocumentSelections(graphql_schema(build_schema()), document).collect(operation)
    )


def test_nested_connections_multiply() -> None:
    # 20 drivers x (1 + their trips' totalCount (1) + 10 trips x (1 + 5 events))
    assert tree(Q2).requested(None) == 20 * (1 + 1 + 10 * (1 + 5))


def test_objects_under_a_page_count_once_each() -> None:
    # 50 entries x (entry, its rank (1), stats, driver, vehicle) + the season
    assert tree(Q4).requested(None) == 50 * 5 + 1


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
    assert tree("{ __typename activeSeason { id name startsAt } }").requested(None) == 1


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
    # 2 drivers, their trips' totalCount (1 each), 1 trip, 1 event
    assert t.actual(data) == 2 + 2 + 1 + 1
    assert t.scanned(data) == 2  # the aggregates' part (the planner counts the objects)
    assert t.actual(None) == 0


def test_counts_cost_the_rows_they_scan() -> None:
    # The set each connection pages through, at 1,000 rows a point (limits/scans.py).
    assert tree("{ drivers(first: 1) { totalCount } }").requested(None) == 10
    assert tree("{ trips(first: 1) { totalCount } }").requested(None) == 1_000
    assert tree("{ seasons { totalCount } }").requested(None) == 1  # at least 1
    assert tree("{ leaderboard { totalCount } }").requested(None) == 10
    # Counted per parent: each driver's trips (~100 rows: 1 point).
    per_driver = "{ drivers(first: 5) { nodes { trips { totalCount } } } }"
    assert tree(per_driver).requested(None) == 5 * (1 + 1)


def test_aggregates_cost_the_rows_they_scan() -> None:
    # A driver's rank counts the season's rows ahead of it.
    assert tree("{ drivers(first: 5) { nodes { rank } } }").requested(None) == 5 * (1 + 10)
    # One statement answers the driver totals, one the season's: each priced once.
    totals = "{ fleetSummary { drivers averageRiskScore trips distanceKm } }"
    assert tree(totals).requested(None) == 1 + 10 + 10
    # Each day of activity groups that day's trips (2,739 rows: 3 points); `days`
    # gives the list's length (default 7; beyond 366 the resolver refuses).
    assert tree("{ fleetSummary { tripActivity { day } } }").requested(None) == 1 + 7 * (1 + 3)
    big = "{ fleetSummary { tripActivity(days: 10000) { day } } }"
    assert tree(big).requested(None) == 1 + 366 * (1 + 3)
    t = tree("query($d: Int!) { fleetSummary { tripActivity(days: $d) { day } } }")
    assert t.requested({"d": 30}) == 1 + 30 * 4


def test_sizes_from_variables_and_their_defaults() -> None:
    # `requested` takes the coerced values: a variable absent from them (not sent,
    # no default) leaves the argument's default.
    text = "query($n: Int, $ids: [ID!]!) { drivers(first: $n) { nodes { id } } "
    t = tree(text + "nodes(ids: $ids) { id } }")
    assert t.requested({"n": 7, "ids": ["a", "b"]}) == 7 + 2
    assert t.requested({"ids": []}) == 20
    assert t.requested({"n": None, "ids": ["a"]}) == 20 + 1


def test_abstract_fields_cost_the_union_of_their_types() -> None:
    text = """{ nodes(ids: ["a", "b"]) { ... on Driver { rank vehicle { id } }
      ... on Trip { driver { id } } } }"""
    # Per node: 1 + the costliest type's aggregates (a rank: 10) + vehicle + driver.
    assert tree(text).requested(None) == 2 * (1 + 10 + 1 + 1)


def test_actual_prices_each_object_that_came_back() -> None:
    t = tree("{ drivers(first: 20) { totalCount nodes { id rank } } }")
    data = {"drivers": {"totalCount": 3, "nodes": [{"id": "a", "rank": 1}, {"id": "b", "rank": 2}]}}
    assert t.requested(None) == 10 + 20 * 11
    assert t.actual(data) == 10 + 2 * 11
    assert t.scanned(data) == 10 + 2 * 10


def test_declared_bounds_match_the_code_they_describe() -> None:
    assert LIST_LENGTHS[("FleetSummary", "tripActivity")] == ("days", MAX_ACTIVITY_DAYS)
    assert Settings.model_fields["max_selection_steps"].default == DEFAULT_MAX_STEPS
