"""The HTTP side of an answer: the pipeline's `Answer` or `Hit` as ASGI messages.

Both adapters (gql/http.py, gql/fast_path.py) reply through this, so a
response is the same bytes whichever route read the request. Two messages,
no response object: this is the path of every answer, cache hits included.
"""

from __future__ import annotations

import time
from functools import lru_cache

import orjson
from starlette.requests import Request
from starlette.types import Send

from gql.http_errors import negotiate, status_for
from pipeline import Answer, Hit
from pipeline.cache_meta import cache_control
from web.codings import base_etag, choose_coding, coded_etag
from web.compression import VARY_VALUE


class HttpReply:
    """Replies to one HTTP request; remembers the key of a hit it sent."""

    __slots__ = ("hit_key", "request", "send")

    def __init__(self, request: Request, send: Send) -> None:
        self.request = request
        self.send = send
        self.hit_key: str | None = None

    async def answer(self, answer: Answer) -> None:
        media_type = negotiate(self.request.headers.get("accept"))
        body = orjson.dumps(answer.payload)
        headers = [
            (b"content-length", b"%d" % len(body)),
            (b"content-type", _content_type(media_type)),
        ]
        for name, value in answer.headers.items():
            headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        await _send(self.send, status_for(answer.payload, media_type), headers, body)

    async def hit(self, hit: Hit) -> None:
        self.hit_key = hit.key
        request, entry = self.request, hit.entry
        max_age = entry.max_age(time.time())
        headers = [(b"cache-control", cache_control(entry.scope, max_age).encode())]
        compressed = hit.compressed
        coding = None
        if compressed is not None and compressed.worth(entry):
            # As web/compression.py would: the coding chosen here, so it passes the hit on.
            coding = choose_coding(request.headers.get("accept-encoding"))
            headers.append((b"vary", VARY_VALUE))
        if request.method == "GET":
            etag = entry.etag if coding is None else coded_etag(entry.etag, coding)
            headers.append((b"etag", etag.encode()))
            if _matches(request.headers.get("if-none-match"), entry.etag):
                await _send(self.send, 304, headers, b"")
                return
        if coding is None:
            body = entry.hit(max_age)
        else:
            assert compressed is not None
            body = compressed.hit(entry, max_age, coding)
            headers.append((b"content-encoding", coding.encode()))
        media_type = negotiate(request.headers.get("accept"))  # GraphQL over HTTP
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-type", media_type.encode()))
        await _send(self.send, 200, headers, body)


@lru_cache(maxsize=8)  # the media types `negotiate` chooses from
def _content_type(media_type: str) -> bytes:
    return f"{media_type}; charset=utf-8".encode()


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110): the validators are equal ignoring `W/` and the
    coding's suffix (`web.coded_etag`): every coding holds the same data."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(
        base_etag(tag.strip()).removeprefix("W/") == wanted for tag in if_none_match.split(",")
    )


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
