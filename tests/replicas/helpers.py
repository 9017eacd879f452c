"""What the replica tests share: app settings, queries, and where reads landed."""

from __future__ import annotations

from typing import Any

import httpx

from global_ids import encode_id
from tests.limits.app import token
from tests.replicas.conftest import PgPair

ADMIN = {"authorization": f"Bearer {token('replica-tests', 'admin')}"}
DRIVER_ID = encode_id("Driver", 1)
DRIVER_NAME = "query($id: ID!) { driver(id: $id) { id name } }"
RENAME = "mutation($input: UpdateDriverInput!) { updateDriver(input: $input) { driver { name } } }"


def replica_env(pair: PgPair, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": pair.primary_url,
        "DATABASE_READ_URLS": pair.replica_url,
        "DATABASE_REPLICA_CHECK_SECONDS": "0.1",
        **extra,
    }


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return response


async def driver_name(client: httpx.AsyncClient, **headers: str) -> str:
    response = await graphql(client, DRIVER_NAME, {"id": DRIVER_ID}, **headers)
    name: str = response.json()["data"]["driver"]["name"]
    return name


async def rename(client: httpx.AsyncClient, name: str) -> str:
    """Rename driver 1 through `client`; the response's consistency token."""
    variables = {"input": {"id": DRIVER_ID, "name": name}}
    response = await graphql(client, RENAME, variables, **ADMIN)
    body = response.json()
    assert body["data"]["updateDriver"]["driver"]["name"] == name
    header: str = response.headers["consistency-token"]
    assert body["extensions"]["consistency"]["token"] == header
    return header


def ran_here(server_sql: Any, marker: str) -> int:
    """Sessions of the app's database on a server (asked on that server) whose last
    statement contains `marker`: where a read was executed, by PostgreSQL's account."""
    found = server_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'fleetgraph' "
        f"AND pid <> pg_backend_pid() AND query LIKE '%{marker}%'"
    )
    return int(found)
