"""Deadlines: PostgreSQL's statement_timeout and the per-request deadline, each a TIMEOUT."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.faults.servers import PgCluster
from tests.limits.app import GRAPHQL_RESPONSE, app_client, codes


@pytest.fixture
async def drivers_locked(pg_cluster: PgCluster) -> AsyncIterator[None]:
    """Every read of `drivers` waits while this transaction holds its lock."""
    connection = await asyncpg.connect(
        host="127.0.0.1", port=pg_cluster.port, user="postgres", database="fleetgraph"
    )
    transaction = connection.transaction()
    await transaction.start()
    await connection.execute("LOCK TABLE drivers IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        await transaction.rollback()
        await connection.close()


async def post(http: object, query: str) -> tuple[int, dict[str, object], float]:
    started = time.perf_counter()
    response = await http.post(  # type: ignore[attr-defined]
        "/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE}
    )
    return response.status_code, response.json(), time.perf_counter() - started


async def test_statement_timeout(pg_cluster: PgCluster, drivers_locked: None) -> None:
    async with app_client(
        pg_cluster.url("fleetgraph"), database_statement_timeout_ms=300, rate_limit_enabled=False
    ) as http:
        status, body, elapsed = await post(http, "{ drivers(first: 4) { nodes { id } } }")
    assert codes(body) == ["TIMEOUT"]
    assert status == 504
    assert 0.3 <= elapsed < 2.0


async def test_request_deadline(pg_cluster: PgCluster, drivers_locked: None) -> None:
    async with app_client(
        pg_cluster.url("fleetgraph"),
        request_timeout_seconds=0.5,
        database_statement_timeout_ms=0,
        rate_limit_enabled=False,
    ) as http:
        status, body, elapsed = await post(http, "{ drivers(first: 5) { nodes { id } } }")
        assert status == 504
        assert codes(body) == ["TIMEOUT"]
        assert "data" not in body
        assert 0.5 <= elapsed < 2.0


async def test_requests_after_a_deadline_are_served(pg_cluster: PgCluster) -> None:
    async with app_client(
        pg_cluster.url("fleetgraph"), request_timeout_seconds=2, rate_limit_enabled=False
    ) as http:
        status, body, _ = await post(http, "{ drivers(first: 6) { nodes { id } } }")
    assert status == 200 and "errors" not in body
