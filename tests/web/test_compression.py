"""gzip and brotli by Accept-Encoding: same bytes as identity, ETags per coding,
and cache hits sent from their stored compressed form."""

from __future__ import annotations

import gzip
import json
import re
import secrets
from collections.abc import AsyncIterator
from typing import Any

import brotli
import httpx
import pytest
from prometheus_client import REGISTRY

from tests.limits.app import app_client
from tests.services import require_redis

# ~2 KB of JSON on the small data set: over the default 1,024-byte threshold.
QUERY = "query Big { drivers(first: 12) { nodes { id name region vehicle { plate make } } } }"
SMALL = "query Small { activeSeason { id } }"
_MAX_AGE = re.compile(rb'"maxAge":\d+')
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, None: lambda body: body}


@pytest.fixture
async def http(small_db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(small_db_url, rate_limit_enabled=False) as client:
        yield client


async def _raw(
    http: httpx.AsyncClient, coding: str, *, get: bool = False, query: str = QUERY, **extra: Any
) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent (not decoded by httpx)."""
    headers = {"Accept-Encoding": coding, **extra.pop("headers", {})}
    if get:
        request = http.build_request("GET", "/graphql", params={"query": query}, headers=headers)
    else:
        body = json.dumps({"query": query, **extra.pop("body", {})})
        headers["Content-Type"] = "application/json"
        request = http.build_request("POST", "/graphql", content=body, headers=headers)
    response = await http.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    assert int(response.headers.get("content-length", 0)) == len(raw)
    return response, raw


def _decoded(response: httpx.Response, raw: bytes) -> bytes:
    """The body decoded by its Content-Encoding, the max age of a hit masked."""
    return _MAX_AGE.sub(b'"maxAge":N', DECODE[response.headers.get("content-encoding")](raw))


def _vary(response: httpx.Response) -> list[str]:
    return [v.strip() for value in response.headers.get_list("vary") for v in value.split(",")]


def _compressions(coding: str, kind: str) -> float:
    labels = {"coding": coding, "kind": kind}
    return REGISTRY.get_sample_value("fleetgraph_http_compressions_total", labels) or 0.0


@pytest.mark.parametrize("get", [False, True])
async def test_gzip_and_brotli_decode_to_the_identity_bytes(small_db_url: str, get: bool) -> None:
    settings: dict[str, Any] = {"rate_limit_enabled": False, "response_cache_enabled": False}
    async with app_client(small_db_url, **settings) as http:
        identity, plain = await _raw(http, "identity", get=get)
        assert "content-encoding" not in identity.headers
        assert "Accept-Encoding" in _vary(identity)  # a shared cache keys it by coding
        for coding in ("gzip", "br"):
            response, body = await _raw(http, coding, get=get)
            assert response.headers["content-encoding"] == coding
            assert "Accept-Encoding" in _vary(response) and "Origin" in _vary(response)
            assert len(body) < len(plain) / 2
            assert DECODE[coding](body) == plain


@pytest.mark.parametrize("get", [False, True])
async def test_cache_hits_decode_to_the_identity_bytes(http: httpx.AsyncClient, get: bool) -> None:
    query = QUERY.replace("Big", f"Big{get}")
    await _raw(http, "identity", get=get, query=query)  # a miss: stored
    identity, plain = await _raw(http, "identity", get=get, query=query)
    assert json.loads(plain)["extensions"]["cache"]["status"] == "hit"
    assert "Accept-Encoding" in _vary(identity)
    for coding in ("gzip", "br"):
        hit, body = await _raw(http, coding, get=get, query=query)
        assert hit.headers["content-encoding"] == coding
        assert "Accept-Encoding" in _vary(hit) and "Origin" in _vary(hit)
        assert _decoded(hit, body) == _decoded(identity, plain)


async def test_the_preferred_coding_and_small_bodies(http: httpx.AsyncClient) -> None:
    response, _ = await _raw(http, "gzip, deflate, br, zstd")
    assert response.headers["content-encoding"] == "br"
    response, _ = await _raw(http, "br;q=0.5, gzip")
    assert response.headers["content-encoding"] == "gzip"
    response, _ = await _raw(http, "deflate")
    assert "content-encoding" not in response.headers
    # Under the threshold: as it is, and the same for every client (no Vary needed).
    small, body = await _raw(http, "br", query=SMALL)
    assert "content-encoding" not in small.headers
    assert "Accept-Encoding" not in _vary(small)
    assert json.loads(body)["data"]["activeSeason"] is not None


async def test_an_etag_per_coding(http: httpx.AsyncClient) -> None:
    await _raw(http, "identity", get=True)  # a miss: stored
    tags = {}
    for coding in ("identity", "gzip", "br"):
        response, _ = await _raw(http, coding, get=True)
        tags[coding] = response.headers["etag"]
    base = tags["identity"]
    assert base.startswith('W/"') and base.endswith('"')
    assert tags["gzip"] == base[:-1] + '-gzip"'
    assert tags["br"] == base[:-1] + '-br"'
    # A cache holding the brotli bytes revalidates them: 304, with the brotli validator.
    fresh, body = await _raw(http, "br", get=True, headers={"If-None-Match": tags["br"]})
    assert fresh.status_code == 304 and body == b""
    assert fresh.headers["etag"] == tags["br"]
    assert "Accept-Encoding" in _vary(fresh)
    # A miss's validator follows its coding too.
    miss, _ = await _raw(http, "gzip", get=True, query=QUERY.replace("make", "model"))
    assert miss.headers["etag"].endswith('-gzip"')


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_a_cache_hit_is_sent_pre_compressed(small_db_url: str, backend: str) -> None:
    settings: dict[str, Any] = {"rate_limit_enabled": False}
    if backend == "redis":
        prefix = f"fleetgraph:test:{secrets.token_hex(4)}:"
        settings.update(
            redis_url=require_redis(),
            response_cache_key_prefix=prefix,
            persisted_queries_key_prefix=prefix + "pq:",
        )
    async with app_client(small_db_url, **settings) as http:
        await _hits_sent_pre_compressed(http, QUERY.replace("region", "region b: name"))


async def _hits_sent_pre_compressed(http: httpx.AsyncClient, query: str) -> None:
    await _raw(http, "identity", query=query)  # a miss: stored
    responses = _compressions("br", "response")
    entries = _compressions("br", "cache_entry")
    bodies = []
    for _ in range(5):
        hit, body = await _raw(http, "br", query=query)
        assert hit.headers["content-encoding"] == "br"
        bodies.append(_decoded(hit, body))
    assert len(set(bodies)) == 1
    # What a client library makes of it (httpx decodes by Content-Encoding).
    decoded = await http.post("/graphql", json={"query": query}, headers={"Accept-Encoding": "br"})
    assert decoded.headers["content-encoding"] == "br"
    assert decoded.json()["extensions"]["cache"]["status"] == "hit"
    # The entry was compressed once, for its first brotli hit; no hit compressed its body.
    assert _compressions("br", "cache_entry") == entries + 1
    assert _compressions("br", "response") == responses


async def test_the_fast_path_and_the_general_route_compress_alike(
    http: httpx.AsyncClient,
) -> None:
    query = QUERY.replace("make", "make year")
    await _raw(http, "identity", query=query)
    fast, fast_body = await _raw(http, "br", query=query)
    # An extension the fast path leaves to the general route (which ignores it).
    general, general_body = await _raw(http, "br", query=query, body={"extensions": {"x": 1}})
    assert _decoded(fast, fast_body) == _decoded(general, general_body)
    ignored = {"x-request-id", "server-timing", "content-length", "cache-control"}
    assert [(k, v) for k, v in fast.headers.multi_items() if k not in ignored] == [
        (k, v) for k, v in general.headers.multi_items() if k not in ignored
    ]


async def test_compression_off(small_db_url: str) -> None:
    async with app_client(small_db_url, rate_limit_enabled=False, compression=False) as http:
        for _ in range(2):  # a miss, then a hit
            response, _ = await _raw(http, "br")
            assert "content-encoding" not in response.headers
            assert "Accept-Encoding" not in _vary(response)
