"""The guard on its own: the document checks, cost on coerced variables, charging."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from limits import DocumentPolicy, RateLimiter, RequestGuard, limit_rules
from limits.cost import CountedResult
from prepared import DocumentCache, PreparedDocument
from selections import DEFAULT_MAX_STEPS
from tests.selections.chain import chain

SCHEMA = graphql_schema(build_schema())


def guard(
    max_selection_steps: int = DEFAULT_MAX_STEPS, limiter: RateLimiter | None = None
) -> tuple[RequestGuard, DocumentCache]:
    # The limit rules measure with the default budget; the trees get `max_selection_steps`.
    documents = DocumentCache(
        SCHEMA,
        limit_rules=limit_rules(DocumentPolicy()),
        max_selection_steps=max_selection_steps,
    )

    async def prepare(text: str) -> PreparedDocument:
        return documents.prepare(text)

    return RequestGuard(SCHEMA, prepare, max_cost=10_000, timeout=5, limiter=limiter), documents


def request(query: str, variables: dict[str, Any] | None = None) -> GraphQLRequestData:
    return GraphQLRequestData(
        query=query, variables=variables, operation_name=None, extensions=None, protocol="http"
    )


def code(result: ExecutionResult) -> str:
    [error] = result.errors or []
    return str((error.extensions or {})["code"])


async def run(
    checking: RequestGuard, item: GraphQLRequestData, answer: ExecutionResult | None = None
) -> tuple[ExecutionResult, list[GraphQLRequestData]]:
    executed: list[GraphQLRequestData] = []

    async def execute(admitted: list[GraphQLRequestData]) -> list[ExecutionResult]:
        executed.extend(admitted)
        return [answer or ExecutionResult(data={}, errors=None)]

    [result] = await checking.run([item], "client", {}, execute)
    return result, executed


async def test_the_document_checks() -> None:
    checking, documents = guard()
    assert isinstance(
        checking.check_document(documents.prepare("{ activeSeason { id } }"), None),
        OperationDefinitionNode,
    )
    refused = checking.check_document(documents.prepare("{ nope }"), None)
    assert isinstance(refused, ExecutionResult) and code(refused) == "GRAPHQL_VALIDATION_FAILED"
    two = documents.prepare("query A { __typename } query B { __typename }")
    refused = checking.check_document(two, None)
    assert isinstance(refused, ExecutionResult) and code(refused) == "BAD_REQUEST"


async def test_a_tree_over_the_budget_is_refused_before_execution() -> None:
    # Within the limit rules' budget, over the trees' (they also expand abstract
    # types once per possible type): the guard refuses, nothing executes.
    checking, documents = guard(max_selection_steps=60)
    prepared = documents.prepare(chain(30))
    assert prepared.is_valid
    result, executed = await run(checking, request(chain(30)))
    assert code(result) == "SELECTION_TOO_COMPLEX" and result.data is None
    assert executed == []
    assert isinstance(checking.check_document(prepared, None), ExecutionResult)


THREE_LEVELS = """query($n: Int = 100) { drivers(first: $n) { nodes { id trips(first: $n) {
  nodes { id safetyEvents(first: $n) { nodes { id } } } } } } }"""


async def test_requested_cost_from_coerced_variables() -> None:
    checking, _ = guard()
    for variables in (None, {"n": 100}, {"n": 100.0}):
        result, executed = await run(checking, request(THREE_LEVELS, variables))
        assert code(result) == "QUERY_TOO_COSTLY", variables
        assert (result.errors or [])[0].extensions["cost"] == 100 * (1 + 100 * 101)  # type: ignore[index]
        assert executed == []
    result, executed = await run(checking, request(THREE_LEVELS, {"n": None}))  # null: default page
    assert result.extensions == {"cost": {"requested": 20 * (1 + 20 * 21), "actual": 0}}
    assert len(executed) == 1


async def test_skip_and_include_decide_what_is_priced() -> None:
    checking, _ = guard()
    query = "query($all: Boolean!) { drivers(first: 5) { nodes { id } } "
    query += "trips(first: 50) @include(if: $all) { nodes { id } } }"
    result, _ = await run(checking, request(query, {"all": False}))
    assert result.extensions == {"cost": {"requested": 5, "actual": 0}}
    result, _ = await run(checking, request(query, {"all": True}))
    assert result.extensions == {"cost": {"requested": 55, "actual": 0}}


async def test_actual_beyond_requested_is_charged_below_zero() -> None:
    limiter = RateLimiter(capacity=25, rate=0.001)
    checking, _ = guard(limiter=limiter)
    query = "{ fleetSummary { riskDistribution { level } safetyEventBreakdown { kind } } }"
    # 1 summary + 10 (driver totals) + 10 (season totals) + 1 + 1 requested; 4 + 5 back.
    data = {
        "fleetSummary": {
            "riskDistribution": [{"level": "LOW"}] * 4,
            "safetyEventBreakdown": [{"kind": "SPEEDING"}] * 5,
        }
    }
    result, _ = await run(checking, request(query), ExecutionResult(data=data, errors=None))
    cost = (result.extensions or {})["cost"]
    assert (cost["requested"], cost["actual"]) == (23, 30)
    assert cost["throttle"]["remaining"] == 25 - 30  # in debt: the next request waits


async def test_counted_results_add_the_aggregates_found_in_their_data() -> None:
    checking, _ = guard()
    query = "{ drivers(first: 3) { totalCount nodes { trips { totalCount } } } }"
    data = {"drivers": {"totalCount": 2, "nodes": [{"trips": {"totalCount": 0}}] * 2}}
    answer = CountedResult(data=data, errors=None, objects=2)  # the planner counted 2 drivers
    result, _ = await run(checking, request(query), answer)
    # requested: 10 (all drivers counted) + 3 x (1 + 1); actual: 10 + 2 x (1 + 1)
    assert result.extensions == {"cost": {"requested": 16, "actual": 14}}
