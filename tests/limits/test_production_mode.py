"""Production: no introspection, no suggestions, no GraphiQL; development: all three."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.limits.app import app_client, codes


@pytest.fixture(scope="module")
async def production(small_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(small_db_url, environment="production") as client:
        yield client


SCHEMA_QUERY = {"query": "{ __schema { queryType { name } } }"}


async def test_introspection_off_in_production(production: httpx.AsyncClient) -> None:
    body = (await production.post("/graphql", json=SCHEMA_QUERY)).json()
    assert codes(body) == ["INTROSPECTION_DISABLED"]
    typename = await production.post("/graphql", json={"query": "{ __typename }"})
    assert typename.json()["data"] == {"__typename": "Query"}


async def test_no_field_suggestions_in_production(production: httpx.AsyncClient) -> None:
    body = (await production.post("/graphql", json={"query": "{ activeSeaso { id } }"})).json()
    assert "Did you mean" not in body["errors"][0]["message"]
    enum = "{ leaderboard(metric: SAFETY_SCOR) { totalCount } }"
    body = (await production.post("/graphql", json={"query": enum})).json()
    assert all("Did you mean" not in e["message"] for e in body["errors"])
    # Variable coercion happens at execution: its suggestions are removed from the message.
    query = "query($m: LeaderboardMetric!) { leaderboard(metric: $m) { totalCount } }"
    variables = {"m": "SAFETY_SCOR"}
    body = (await production.post("/graphql", json={"query": query, "variables": variables})).json()
    assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"])


async def test_no_graphiql_in_production(production: httpx.AsyncClient) -> None:
    response = await production.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert codes(response.json()) == ["NOT_FOUND"]


async def test_everything_on_in_development(http: httpx.AsyncClient) -> None:
    body = (await http.post("/graphql", json=SCHEMA_QUERY)).json()
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    body = (await http.post("/graphql", json={"query": "{ activeSeaso { id } }"})).json()
    assert "Did you mean" in body["errors"][0]["message"]
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_introspection_setting_overrides_the_environment(small_db_url: str) -> None:
    async with app_client(small_db_url, environment="production", introspection=True) as http:
        body = (await http.post("/graphql", json=SCHEMA_QUERY)).json()
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_syntax_error_quoting_a_long_string_is_shaped_short(
    production: httpx.AsyncClient,
) -> None:
    # graphql-core quotes the whole token; shaping scans a capped prefix of it
    # (tests/gql/test_http_errors.py pins the bound), and echoes 40 characters.
    document = '{ "' + " " * 32_000 + '" }'
    body = (await production.post("/graphql", json={"query": document})).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["message"] == "Syntax Error: Expected Name, found String '" + " " * 40 + "…'"
