"""GraphQL over HTTP: media types, status codes, GraphQL-shaped error bodies.

`application/graphql-response+json` gets the spec's status codes (a response
without `data` is a 4xx); `application/json` (and no Accept) gets 200 for
every well-formed request. Bodies are JSON with `errors[].extensions.code`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.limits.app import GRAPHQL_RESPONSE, app_client, codes, seed_sqlite

JSON = "application/json"
BOTH = [GRAPHQL_RESPONSE, JSON]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="module")
async def http(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db_url) as client:
        yield client


async def post(
    http: httpx.AsyncClient, body: Any, accept: str | None = GRAPHQL_RESPONSE
) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await http.post("/graphql", json=body, headers=headers)


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize("accept", BOTH)
async def test_success_in_the_negotiated_media_type(http: httpx.AsyncClient, accept: str) -> None:
    response = await post(http, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert media(response) == accept
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json;q=0.5", JSON),
        ("application/graphql-response+json;q=0, application/json", JSON),
    ],
)
async def test_accept_negotiation(
    http: httpx.AsyncClient, accept: str | None, expected: str
) -> None:
    assert media(await post(http, {"query": "{ __typename }"}, accept)) == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ drivers {"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {
                "query": "query($n: Int) { drivers(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            },
            None,
        ),
    ],
    ids=["parse", "validation", "variable-coercion"],
)
@pytest.mark.parametrize("accept", BOTH)
async def test_request_errors_have_no_data(
    http: httpx.AsyncClient, body: dict[str, Any], code: str | None, accept: str
) -> None:
    response = await post(http, body, accept)
    assert response.status_code == (400 if accept == GRAPHQL_RESPONSE else 200)
    assert "data" not in response.json()
    assert response.json()["errors"]
    if code is not None:
        assert codes(response.json()) == [code]


@pytest.mark.parametrize("accept", BOTH)
async def test_field_errors_keep_data_and_200(http: httpx.AsyncClient, accept: str) -> None:
    response = await post(http, {"query": '{ driver(id: "not-an-id") { id } }'}, accept)
    assert response.status_code == 200
    assert response.json()["data"] == {"driver": None}
    assert codes(response.json()) == ["INVALID_ID"]


@pytest.mark.parametrize("accept", BOTH)
async def test_malformed_json_is_400_json(http: httpx.AsyncClient, accept: str) -> None:
    response = await http.post(
        "/graphql",
        content=b'{"query": ',
        headers={"content-type": "application/json", "accept": accept},
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "body",
    [
        {"query": 1},
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ __typename }", "operationName": 5},
        {},
        [1],
        1,
        "x",
        None,
    ],
    ids=[
        "query-number",
        "variables-list",
        "operation-name-number",
        "no-query",
        "batch-of-garbage",
        "body-number",
        "body-string",
        "body-null",
    ],
)
async def test_malformed_requests_are_400(http: httpx.AsyncClient, body: Any) -> None:
    response = await http.post(
        "/graphql",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", "accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] in {
        "BAD_REQUEST",
        "BATCHING_DISABLED",
    }


DEEP_JSON = (
    b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 30_000 + b"]" * 30_000 + b"}}"
)


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xfe{}", DEEP_JSON], ids=["empty", "not-utf8", "nested-30000"]
)
async def test_undecodable_bodies_are_400(http: httpx.AsyncClient, content: bytes) -> None:
    response = await http.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_deeply_nested_documents_are_request_errors(http: httpx.AsyncClient) -> None:
    document = "{ " + "drivers { nodes { " * 900 + "id" + " } }" * 900 + " }"
    response = await post(http, {"query": document})
    assert response.status_code == 400
    assert codes(response.json()) in (["GRAPHQL_PARSE_FAILED"], ["TOO_MANY_TOKENS"])


async def test_unsupported_media_type_is_415(http: httpx.AsyncClient) -> None:
    for content_type in ["text/plain", "application/graphql", "application/x-www-form-urlencoded"]:
        response = await http.post(
            "/graphql", content=b"{ __typename }", headers={"content-type": content_type}
        )
        assert response.status_code == 415, content_type
        assert codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_charset_parameter_is_accepted(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


async def test_mutation_over_get_is_405_with_allow(http: httpx.AsyncClient) -> None:
    query = 'mutation { deleteTrip(id: "x") { deletedId } }'
    response = await http.get("/graphql", params={"query": query})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]


async def test_other_methods_are_405_json(http: httpx.AsyncClient) -> None:
    response = await http.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]


async def test_several_operations_need_an_operation_name(http: httpx.AsyncClient) -> None:
    document = "query A { __typename } query B { activeSeason { id } }"
    response = await post(http, {"query": document})
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    assert "data" not in response.json()
    unknown = await post(http, {"query": document, "operationName": "C"})
    assert codes(unknown.json()) == ["BAD_REQUEST"]
    named = await post(http, {"query": document, "operationName": "A"})
    assert named.json()["data"] == {"__typename": "Query"}


async def test_query_over_get(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={
            "query": "query($n: Int) { drivers(first: $n) { totalCount } }",
            "variables": '{"n": 1}',
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.json()["data"]["drivers"]["totalCount"] == 12


async def test_unknown_request_keys_are_ignored(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ __typename }", "foo": 1, "extensions": {"bar": 2}})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
