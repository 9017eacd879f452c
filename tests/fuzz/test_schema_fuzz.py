"""Schema fuzzing (schemathesis): generated documents for every root field, never a 5xx.

schemathesis derives documents from the served schema (arguments of every
type, including hostile values: negative and huge page sizes, odd strings
and cursors); each is sent to the real app (lifespan included) on a SQLite
database of this module's own, mutations with an admin token. A fixed seed
(derandomize) and a bounded number of examples per field keep it
reproducible and a few seconds long. Documents are generated first and
sent afterwards, so a failure names the document rather than a shrunk one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import StringValueNode, introspection_from_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import from_dict, scalar

from compat.strawberry import graphql_schema
from gql.schema import build_schema
from tests.limits.app import app_client, seed_sqlite, token

EXAMPLES_PER_FIELD = 25
# An Upload is a file part of a multipart request (the GraphQL multipart request spec);
# a JSON document can only carry a literal in its place, which must be refused, not crash.
scalar("Upload", st.text(max_size=30).map(lambda text: StringValueNode(value=text)))
SCHEMA = from_dict(introspection_from_schema(graphql_schema(build_schema())))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def documents(operation: Any) -> list[str]:
    generated: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def collect(case: Any) -> None:
        generated.append(case.body)

    collect()
    return generated


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
async def http(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db_url, rate_limit_enabled=False) as client:
        yield client


def test_every_root_field_is_covered() -> None:
    labels = {operation.label for operation in OPERATIONS}
    assert {"Query.drivers", "Query.leaderboard", "Mutation.recordTrip"} <= labels


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
async def test_no_server_errors(http: httpx.AsyncClient, operation: Any) -> None:
    headers = {"accept": "application/graphql-response+json"}
    if operation.label.startswith("Mutation."):
        headers["authorization"] = f"Bearer {token('fuzz', role='admin')}"
    generated = documents(operation)
    assert len(generated) >= 5  # the field's arguments leave room for variety
    for document in generated:
        response = await http.post("/graphql", json={"query": document}, headers=headers)
        assert response.status_code < 500, (document, response.text)
        body = response.json()
        assert "data" in body or body.get("errors"), body
