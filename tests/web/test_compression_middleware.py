"""The compression middleware on its own: large bodies, streams, types it leaves alone."""

from __future__ import annotations

import brotli
import httpx
import pytest
from starlette.types import Receive, Scope, Send

from web.compression import THREAD_MINIMUM_SIZE, Compression

LARGE = b'{"data":[' + b'{"id":"RHJpdmVyOjE=","name":"Ana Olsen"},' * 6000 + b"{}]}"


def _app(body: bytes, content_type: bytes, *, chunks: int = 1):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        size = -(-len(body) // chunks)
        for i in range(chunks):
            part = body[i * size : (i + 1) * size]
            await send({"type": "http.response.body", "body": part, "more_body": i < chunks - 1})

    return app


async def _get(app: object, coding: str = "br") -> tuple[httpx.Response, bytes]:
    middleware = Compression(app, minimum_size=1024)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=middleware)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        request = http.build_request("GET", "/", headers={"Accept-Encoding": coding})
        response = await http.send(request, stream=True)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
    return response, raw


async def test_a_large_body_is_compressed_off_the_loop_all_the_same() -> None:
    assert len(LARGE) >= THREAD_MINIMUM_SIZE
    response, raw = await _get(_app(LARGE, b"application/json"))
    assert response.headers["content-encoding"] == "br"
    assert int(response.headers["content-length"]) == len(raw)
    assert brotli.decompress(raw) == LARGE


async def test_a_stream_passes_unbuffered_and_uncompressed() -> None:
    response, raw = await _get(_app(LARGE, b"text/event-stream", chunks=4))
    assert "content-encoding" not in response.headers and raw == LARGE
    response, raw = await _get(_app(LARGE, b"application/json", chunks=4))
    assert "content-encoding" not in response.headers and raw == LARGE


@pytest.mark.parametrize("content_type", [b"image/png", b"application/octet-stream"])
async def test_types_that_do_not_compress_are_left_alone(content_type: bytes) -> None:
    response, raw = await _get(_app(LARGE, content_type))
    assert "content-encoding" not in response.headers and raw == LARGE
