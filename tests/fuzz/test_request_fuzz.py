"""Request fuzzing (hypothesis): arbitrary JSON bodies and GET parameters, never a 5xx.

The schema fuzzer sends well-formed requests with generated documents; this
one sends malformed requests: any JSON value as the body, wrong types for
`query`, `variables`, `operationName` and `extensions`, and random GET
parameters. Every answer must be a 4xx or a 200, with a GraphQL-shaped body.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.limits.app import app_client, seed_sqlite

EXAMPLES = 150
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
DOCUMENTS = st.sampled_from(
    ["{ __typename }", "{ activeSeason { id } }", "query Q { __typename }", "{", ""]
)
FIELD_VALUES = DOCUMENTS | JSON_VALUES
REQUESTS = st.fixed_dictionaries(
    {},
    optional={
        "query": FIELD_VALUES,
        "variables": FIELD_VALUES,
        "operationName": FIELD_VALUES,
        "extensions": FIELD_VALUES,
        "documentId": FIELD_VALUES,
    },
)
BODIES = REQUESTS | JSON_VALUES | st.lists(REQUESTS, max_size=3)


def generated(strategy: st.SearchStrategy[Any]) -> list[Any]:
    found: list[Any] = []

    @given(value=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("request-fuzz"))


@pytest.fixture(scope="module")
async def http(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db_url, rate_limit_enabled=False, max_batch_operations=3) as client:
        yield client


def check(response: httpx.Response, sent: Any) -> None:
    assert response.status_code < 500, (sent, response.text)
    body = response.json()
    items = body if isinstance(body, list) else [body]
    assert all("data" in item or item.get("errors") for item in items), (sent, body)


async def test_post_bodies(http: httpx.AsyncClient) -> None:
    for value in generated(BODIES):
        content = json.dumps(value).encode()
        response = await http.post(
            "/graphql", content=content, headers={"content-type": "application/json"}
        )
        check(response, value)


async def test_get_parameters(http: httpx.AsyncClient) -> None:
    for value in generated(REQUESTS):
        params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}
        response = await http.get(
            "/graphql", params=params, headers={"accept": "application/graphql-response+json"}
        )
        if response.status_code == 200 and "text/html" in response.headers["content-type"]:
            continue  # no query: GraphiQL (development)
        check(response, value)
