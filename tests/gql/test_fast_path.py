"""The fast path (gql/fast_path.py) answers exactly as the general route would.

Each request is sent twice: as a plain body (the fast path takes it) and with
an empty `extensions` object (which the fast path leaves to the general route,
and which means the same thing to GraphQL over HTTP). Status, headers and
body bytes must be equal; the request log says which route answered.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.gql.client import GraphQLClient, serving

Json = dict[str, Any]

DRIVERS = (
    "query Q1 { drivers(first: 5, orderBy: {field: NAME, direction: ASC}) {"
    " pageInfo { hasNextPage endCursor }"
    " nodes { id name email region vehicle { make plate } riskScore { score level } } } }"
)
DRIVER = (
    "query Q3($id: ID!) { driver(id: $id) { id name vehicle { year plate }"
    " trips(first: 3) { totalCount nodes { id startedAt distanceKm safetyScore } } } }"
)
LEADERBOARD = (
    "{ leaderboard(first: 3) { season { name } nodes { rank value driver { id name } } } }"
)
LEADERBOARD_SHA = hashlib.sha256(LEADERBOARD.encode()).hexdigest()
TWO_OPERATIONS = "query A { seasons(first: 1) { totalCount } } query B { __typename }"
_DURATION = re.compile(r"dur=[0-9.]+")
_MAX_AGE = re.compile(r"max-age=\d+")
_MAX_AGE_JSON = re.compile(rb'"maxAge":\d+')
FIRST_DRIVER = "RHJpdmVyOjE="  # Driver:1

# (body without `extensions`, extra headers)
SAME_ANSWER: list[tuple[Json, dict[str, str]]] = [
    ({"query": DRIVERS}, {}),
    ({"query": DRIVERS, "operationName": "Q1"}, {"Accept": "application/graphql-response+json"}),
    ({"query": DRIVER, "variables": {"id": FIRST_DRIVER}}, {}),
    ({"query": LEADERBOARD, "variables": None, "operationName": None}, {}),
    ({"query": TWO_OPERATIONS, "operationName": "B"}, {}),
    # Apollo APQ, hash only (registered by the test first).
    ({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": LEADERBOARD_SHA}}}, {}),
    # Errors: an unknown id is null with no error, a bad one an error (reference executor).
    ({"query": DRIVER, "variables": {"id": "RHJpdmVyOjk5OTk5"}}, {}),
    ({"query": DRIVER, "variables": {"id": "not an id"}}, {}),
    # Variables that do not coerce: a request error, 400 under graphql-response+json.
    (
        {"query": DRIVER, "variables": {"id": 7.5}},
        {"Accept": "application/graphql-response+json"},
    ),
]

# Bodies the fast path leaves to the general route.
GENERAL_ROUTE: list[Json] = [
    {"query": "{ drivers(first: 1) { nodes { nope } } }"},  # invalid
    {"query": TWO_OPERATIONS},  # which operation?
    {"query": 'mutation { deleteTrip(id: "x") { deletedTripId } }'},
    {"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1}}},  # no hash
    {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},  # unknown
    {"query": "{ __typename }", "extensions": {"tracing": True}},
    [{"query": "{ __typename }"}],  # a batch
]


@pytest.fixture(scope="module", params=["uncached", "cached"])
async def client(
    request: pytest.FixtureRequest, seeded_db_url: str
) -> AsyncIterator[GraphQLClient]:
    cached = request.param == "cached"
    async with serving(seeded_db_url, response_cache_enabled=cached, log_level="INFO") as c:
        yield c


async def _post(client: GraphQLClient, body: Any, headers: dict[str, str]) -> httpx.Response:
    return await client.http.post(
        "/graphql",
        content=json.dumps(body),
        # Bodies compared byte for byte as sent: not compressed (tests/web compares
        # the routes' compressed answers).
        headers={"Content-Type": "application/json", "Accept-Encoding": "identity", **headers},
    )


def _routes(capsys: pytest.CaptureFixture[str]) -> list[bool]:
    """`fast_path` of each request logged since the last call."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line[:1] == "{"]
    return [line["fast_path"] for line in lines if line["logger"] == "fleetgraph.request"]


@pytest.mark.parametrize(("body", "headers"), SAME_ANSWER)
async def test_the_fast_path_answers_as_the_general_route(
    client: GraphQLClient,
    body: Json,
    headers: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin = {"Authorization": f"Bearer {client.admin_token()}"}
    if "extensions" in body:  # APQ: register the text first
        registered = {**body, "query": LEADERBOARD}
        assert (await _post(client, registered, {})).status_code == 200
    for extra in ({}, admin):
        # An extension the fast path leaves to the general route, which ignores it.
        general = {**body, "extensions": {**body.get("extensions", {}), "tests": True}}
        if client.settings.response_cache_enabled:
            await _post(client, general, {**headers, **extra})  # a miss, stored when cacheable
        capsys.readouterr()
        expected = await _post(client, general, {**headers, **extra})
        answer = await _post(client, body, {**headers, **extra})
        # With the response cache on, the fast path sends hits; the cache view
        # computes (and stores) the rest, and an answer with errors is never stored.
        fast = not client.settings.response_cache_enabled or "errors" not in expected.json()
        assert _routes(capsys) == [False, fast]
        assert _stable(answer) == _stable(expected)
        if fast and client.settings.response_cache_enabled and "Authorization" not in extra:
            # A known anonymous body goes straight to its cache key (a "recipe").
            again = await _post(client, body, {**headers, **extra})
            assert _routes(capsys) == [True]
            assert _stable(again) == _stable(expected)


def _stable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body; a hit's remaining max age may tick between two requests,
    and each request has its own id and timings (the names of the phases are kept)."""
    assert int(response.headers["content-length"]) == len(response.content)
    headers = [
        (k, _MAX_AGE.sub("max-age=N", _DURATION.sub("dur=N", v)))
        for k, v in response.headers.multi_items()
        if k not in {"content-length", "x-request-id"}
    ]
    return response.status_code, headers, _MAX_AGE_JSON.sub(b'"maxAge":N', response.content)


@pytest.mark.parametrize("body", GENERAL_ROUTE)
async def test_other_requests_take_the_general_route(
    client: GraphQLClient, body: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = await _post(client, body, {})
    assert response.status_code in {200, 400}
    assert _routes(capsys) == [False]


async def test_a_bad_token_is_refused_by_the_general_route(
    client: GraphQLClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = await _post(client, {"query": DRIVERS}, {"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _routes(capsys) == [False]


async def test_a_body_split_in_chunks_is_read_whole(
    client: GraphQLClient, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.dumps({"query": LEADERBOARD}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 7):
            yield raw[start : start + 7]

    capsys.readouterr()
    response = await client.http.post(
        "/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json", "Content-Length": str(len(raw))},
    )
    assert response.status_code == 200
    assert response.json()["data"]["leaderboard"]["nodes"]
    assert _routes(capsys) == [True]
