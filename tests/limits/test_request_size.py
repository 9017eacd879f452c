"""Body and URL size, checked before the body is read."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx

from tests.limits.app import codes

MB = 1024 * 1024


async def test_declared_large_body_refused_without_reading(http: httpx.AsyncClient) -> None:
    body = b'{"query": "' + b" " * (10 * MB) + b'{ __typename }"}'
    started = time.perf_counter()
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 413
    assert codes(response.json()) == ["PAYLOAD_TOO_LARGE"]


async def test_streamed_body_refused_once_past_the_limit(http: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(10 * 1024):  # 10 MB in 1 KB chunks, no Content-Length
            sent += 1024
            yield b" " * 1024

    response = await http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert codes(response.json()) == ["PAYLOAD_TOO_LARGE"]
    assert sent <= 100_000 + 2 * 1024  # stopped reading just past 100 KB


async def test_body_under_the_limit_is_served(http: httpx.AsyncClient) -> None:
    query = "{ __typename }" + " " * 90_000
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200


async def test_url_too_long(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "{ __typename }" + " " * 9_000})
    assert response.status_code == 414
    assert codes(response.json()) == ["URI_TOO_LONG"]
