"""Every limit through the real app: its code, its status, `extensions.cost`."""

from __future__ import annotations

import time

import httpx
from graphql import OperationDefinitionNode

from gql.schema import build_schema, document_cache
from limits import DocumentPolicy
from tests.limits.app import GRAPHQL_RESPONSE, app_client, codes, token
from tests.selections.chain import chain

# drivers.nodes, then trips.nodes.driver four times: depth 14 (the limit is 12).
DEEP = "{ drivers { nodes { " + "trips { nodes { driver { " * 4 + "id" + " } } }" * 4 + " } } }"


async def post(http: httpx.AsyncClient, query: str, **kwargs: object) -> httpx.Response:
    headers = {"accept": GRAPHQL_RESPONSE}
    headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
    return await http.post("/graphql", json={"query": query, **kwargs}, headers=headers)


async def test_depth(http: httpx.AsyncClient) -> None:
    response = await post(http, DEEP)
    assert response.status_code == 400
    assert codes(response.json()) == ["QUERY_TOO_DEEP"]
    assert "data" not in response.json()


async def test_aliases(http: httpx.AsyncClient) -> None:
    query = "{ activeSeason { " + " ".join(f"a{i}: id" for i in range(31)) + " } }"
    assert codes((await post(http, query)).json()) == ["TOO_MANY_ALIASES"]


async def test_directives(http: httpx.AsyncClient) -> None:
    query = "{ activeSeason { " + " ".join(["id @skip(if: false)"] * 51) + " } }"
    assert codes((await post(http, query)).json()) == ["TOO_MANY_DIRECTIVES"]


async def test_root_fields(http: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"s{i}: activeSeason {{ id }}" for i in range(11)) + " }"
    assert codes((await post(http, query)).json()) == ["TOO_MANY_ROOT_FIELDS"]


async def test_tokens_refused_fast(http: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(["__typename"] * 9_000) + " }"  # ~99 KB, under the body limit
    started = time.perf_counter()
    response = await post(http, query)
    assert codes(response.json()) == ["TOO_MANY_TOKENS"]
    assert time.perf_counter() - started < 0.2


async def test_cost_over_budget_is_refused_before_the_database(http: httpx.AsyncClient) -> None:
    query = "{ drivers(first: 100) { nodes { trips(first: 100) { nodes { id } } } } }"
    response = await post(http, query)  # 100 x (1 + 100) > 10,000
    body = response.json()
    assert response.status_code == 400
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] == 100 * 101
    assert body["extensions"]["cost"]["requested"] == 100 * 101
    assert body["extensions"]["cost"]["actual"] == 0


async def test_cost_depends_on_variables(http: httpx.AsyncClient) -> None:
    query = "query($n: Int) { drivers(first: $n) { nodes { trips(first: $n) { nodes { id } } } } }"
    assert codes((await post(http, query, variables={"n": 100})).json()) == ["QUERY_TOO_COSTLY"]
    small = (await post(http, query, variables={"n": 2})).json()
    assert "errors" not in small
    assert small["extensions"]["cost"]["requested"] == 2 * 3


async def test_every_response_carries_cost(http: httpx.AsyncClient) -> None:
    body = (await post(http, "{ drivers(first: 5) { nodes { vehicle { plate } } } }")).json()
    cost = body["extensions"]["cost"]
    assert cost["requested"] == 10
    assert cost["actual"] == 5 + sum(1 for d in body["data"]["drivers"]["nodes"] if d["vehicle"])
    assert cost["throttle"]["max"] == 20_000
    assert cost["throttle"]["restoreRate"] == 2_000
    assert 0 <= cost["throttle"]["remaining"] <= 20_000


async def test_throttled_with_retry_hint(small_db_url: str) -> None:
    settings = {"rate_limit_bucket_size": 15, "rate_limit_restore_rate": 1.0}
    query = "{ drivers(first: 10) { nodes { id } } }"  # costs 10, uses 10
    async with app_client(small_db_url, **settings) as http:
        first = await post(http, query)
        assert first.status_code == 200
        assert first.json()["extensions"]["cost"]["throttle"]["remaining"] == 5
        # Another text of the same cost (an identical one could be a response-cache hit).
        second = await post(http, query.replace("id", "id name"))
        assert second.status_code == 429
        assert codes(second.json()) == ["THROTTLED"]
        assert second.headers["retry-after"] == "5"
        assert 4.9 < second.json()["errors"][0]["extensions"]["retryAfter"] <= 5.0
        # Another API key has its own bucket; application/json gets the 429 too.
        other = await http.post(
            "/graphql",
            json={"query": query},
            headers={"authorization": f"Bearer {token('other-client')}"},
        )
        assert other.status_code == 200


async def test_unused_cost_is_refunded(small_db_url: str) -> None:
    settings = {"rate_limit_bucket_size": 100, "rate_limit_restore_rate": 0.001}
    async with app_client(small_db_url, **settings) as http:
        # Asks for 100 drivers' worth, gets 12 (the small data set).
        body = (await post(http, "{ drivers(first: 100) { nodes { id } } }")).json()
        assert body["extensions"]["cost"]["actual"] == 12
        assert body["extensions"]["cost"]["throttle"]["remaining"] == 100 - 12


async def test_requests_the_view_refuses_are_not_charged(small_db_url: str) -> None:
    settings = {"rate_limit_bucket_size": 15, "rate_limit_restore_rate": 0.001}
    mutation = 'mutation { deleteTrip(id: "x") { deletedId } }'  # costs 12
    async with app_client(small_db_url, **settings) as http:
        refused = await http.get("/graphql", params={"query": mutation})
        assert refused.status_code == 405
        # Had the mutation been charged, 3 points would be left for this query of 10.
        query = await post(http, "{ drivers(first: 10) { nodes { id } } }")
        assert query.status_code == 200
        assert query.json()["extensions"]["cost"]["throttle"]["remaining"] == 5


async def test_rate_limit_off(small_db_url: str) -> None:
    async with app_client(small_db_url, rate_limit_enabled=False) as http:
        body = (await post(http, "{ activeSeason { id } }")).json()
        assert "throttle" not in body["extensions"]["cost"]


async def test_batching_off_by_default(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json=[{"query": "{ __typename }"}])
    assert response.status_code == 400
    assert codes(response.json()) == ["BATCHING_DISABLED"]


async def test_batching_capped(small_db_url: str) -> None:
    async with app_client(small_db_url, max_batch_operations=2) as http:
        ok = await http.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
        assert ok.status_code == 200
        assert [item["data"] for item in ok.json()] == [{"__typename": "Query"}] * 2
        assert all("cost" in item["extensions"] for item in ok.json())
        too_many = await http.post("/graphql", json=[{"query": "{ __typename }"}] * 3)
        assert too_many.status_code == 400
        assert codes(too_many.json()) == ["BATCH_TOO_LARGE"]


async def test_at_most_n_errors(http: httpx.AsyncClient) -> None:
    query = "{ activeSeason { " + " ".join(f"nope{i}" for i in range(40)) + " } }"
    errors = (await post(http, query)).json()["errors"]
    assert len(errors) == 20
    assert errors[-1]["extensions"]["code"] == "TOO_MANY_ERRORS"


async def test_messages_echo_only_a_short_prefix_of_input(http: httpx.AsyncClient) -> None:
    name = "x" * 5_000
    body = (await post(http, "{ " + name + " }")).json()
    message = body["errors"][0]["message"]
    assert "x" * 40 in message and "x" * 41 not in message
    variables = {"id": "y" * 5_000}
    query = "query($id: ID!) { driver(id: $id) { id } }"
    body = (await post(http, query, variables=variables)).json()
    assert all("y" * 41 not in e["message"] for e in body["errors"])


# drivers → trips → safetyEvents, every page size from one variable.
THREE_LEVELS = """query($n: Int = 100) { drivers(first: $n) { nodes { id trips(first: $n) {
  nodes { id safetyEvents(first: $n) { nodes { id } } } } } } }"""


def three_levels(n: int) -> int:
    return n * (1 + n * (1 + n))


async def test_cost_reads_variable_defaults(http: httpx.AsyncClient) -> None:
    body = (await post(http, THREE_LEVELS)).json()  # $n absent: its default, 100
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] == three_levels(100)


async def test_cost_reads_coerced_values(http: httpx.AsyncClient) -> None:
    body = (await post(http, THREE_LEVELS, variables={"n": 100.0})).json()  # an Int to GraphQL
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] == three_levels(100)
    small = (await post(http, THREE_LEVELS, variables={"n": 2.0})).json()
    assert "errors" not in small
    assert small["extensions"]["cost"]["requested"] == three_levels(2)


async def test_lists_of_ids_cost_their_length(http: httpx.AsyncClient) -> None:
    query = 'query($ids: [ID!]! = ["a", "b", "c"]) { nodes(ids: $ids) { id } }'
    assert (await post(http, query)).json()["extensions"]["cost"]["requested"] == 3
    body = (await post(http, query, variables={"ids": ["a"] * 7})).json()
    assert body["extensions"]["cost"]["requested"] == 7
    body = (await post(http, query, variables={"ids": "a"})).json()  # coerced to a list of one
    assert body["extensions"]["cost"]["requested"] == 1


async def test_counts_cost_what_they_scan(http: httpx.AsyncClient) -> None:
    # All trips: 1,000,000 rows at 1,000 a point (limits/scans.py).
    body = (await post(http, "{ trips(first: 1) { totalCount } }")).json()
    assert body["extensions"]["cost"]["requested"] == 1_000
    assert body["extensions"]["cost"]["actual"] == 1_000  # it ran
    body = (await post(http, "{ drivers(first: 3) { totalCount nodes { id } } }")).json()
    assert body["extensions"]["cost"]["requested"] == 10 + 3


async def test_the_collectors_budget_through_the_app(small_db_url: str) -> None:
    async with app_client(small_db_url, max_selection_steps=100) as http:
        response = await post(http, chain(30))
        assert response.status_code == 400
        assert codes(response.json()) == ["SELECTION_TOO_COMPLEX"]
        assert "data" not in response.json()
        assert "errors" not in (await post(http, chain(10))).json()


async def test_the_doubling_fragment_chain_is_answered_in_linear_steps(
    http: httpx.AsyncClient,
) -> None:
    text = chain(30)
    body = (await post(http, text)).json()
    assert "errors" not in body
    assert body["extensions"]["cost"]["requested"] == 20  # a page of drivers, nothing more
    assert "planner" not in body["extensions"]  # planned (no hand-over to the reference)
    assert [sorted(d) for d in body["data"]["drivers"]["nodes"]] == [["id", "name"]] * 12
    prepared = document_cache(build_schema(), DocumentPolicy()).peek(text)
    assert prepared is not None and prepared.document is not None
    operation = prepared.document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert prepared.selections.collect(operation).steps <= 5 * 30 + 20


async def test_actual_beyond_requested_is_charged(small_db_url: str) -> None:
    settings = {"rate_limit_bucket_size": 100, "rate_limit_restore_rate": 0.001}
    # The list of risk buckets has no length argument: requested as one object, it
    # holds one per risk level (4). 1 summary + 10 (its driver totals) + 1 → 4.
    query = "{ fleetSummary { riskDistribution { level drivers } } }"
    async with app_client(small_db_url, **settings) as http:
        cost = (await post(http, query)).json()["extensions"]["cost"]
        assert (cost["requested"], cost["actual"]) == (12, 15)
        assert cost["throttle"]["remaining"] == 100 - 15


async def test_fragments_nested_too_deep(http: httpx.AsyncClient) -> None:
    query = "{ drivers { nodes { ...F0 } } } "  # 120 fragments, one in the next: ~850 tokens
    query += " ".join(f"fragment F{i} on Driver {{ ...F{i + 1} }}" for i in range(120))
    query += " fragment F120 on Driver { id }"
    response = await post(http, query)
    assert response.status_code == 400
    assert codes(response.json()) == ["SELECTION_TOO_COMPLEX"]
