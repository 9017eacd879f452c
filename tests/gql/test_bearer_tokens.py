"""Bad bearer tokens over HTTP: 401, "invalid token", UNAUTHENTICATED, nothing from PyJWT.

Every route that reads a token is exercised: the fast path (a plain POST),
the response cache's front door and the general route (GET, and POSTs that
the fast path hands on).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from auth import mint_token
from tests.gql.client import JWT_SECRET, GraphQLClient, serving

QUERY = "{ seasons(first: 1) { totalCount } }"
AUDIENCE, ISSUER = "fleet-api", "https://id.example"
REFUSED = {"errors": [{"message": "invalid token", "extensions": {"code": "UNAUTHENTICATED"}}]}


@pytest.fixture(scope="module")
async def api(seeded_db_url: str) -> AsyncIterator[GraphQLClient]:
    async with serving(seeded_db_url, jwt_audience=AUDIENCE, jwt_issuer=ISSUER) as client:
        yield client


def _raw(claims: dict[str, object]) -> str:
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


FUTURE = int(time.time()) + 3600
BAD_TOKENS = {
    "no sub": _raw({"role": "admin", "exp": FUTURE, "aud": AUDIENCE, "iss": ISSUER}),
    "expired": mint_token(
        JWT_SECRET, role="admin", ttl_seconds=-60, audience=AUDIENCE, issuer=ISSUER
    ),
    "no audience": mint_token(JWT_SECRET, role="admin", issuer=ISSUER),
    "other audience": mint_token(JWT_SECRET, role="admin", audience="other", issuer=ISSUER),
    "other issuer": mint_token(JWT_SECRET, role="admin", audience=AUDIENCE, issuer="https://x"),
    "bad signature": mint_token(
        "another-secret-entirely-0123456789abcdef", role="admin", audience=AUDIENCE, issuer=ISSUER
    ),
}


async def _send(http: httpx.AsyncClient, method: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return await http.get("/graphql", params={"query": QUERY}, headers=headers)
    return await http.post("/graphql", json={"query": QUERY}, headers=headers)


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("name", list(BAD_TOKENS))
async def test_bad_tokens_are_refused_with_one_message(
    api: GraphQLClient, name: str, method: str
) -> None:
    response = await _send(api.http, method, BAD_TOKENS[name])
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == REFUSED


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_token_with_the_configured_audience_and_issuer_passes(
    api: GraphQLClient, method: str
) -> None:
    token = mint_token(JWT_SECRET, role="reader", audience=AUDIENCE, issuer=ISSUER)
    response = await _send(api.http, method, token)
    assert response.status_code == 200
    assert response.json()["data"] == {"seasons": {"totalCount": 4}}


async def test_without_a_subject_no_shared_scope_exists(gql: GraphQLClient) -> None:
    """Tokens without `sub` once all became subject "None": one cache scope, one bucket."""
    token = _raw({"role": "admin", "exp": FUTURE})
    response = await _send(gql.http, "POST", token)
    assert response.status_code == 401
    assert response.json() == REFUSED
