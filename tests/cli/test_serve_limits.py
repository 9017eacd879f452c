"""`fleetgraph serve` as deployed: a real server process, talked to over raw sockets.

Small limits (1 s to send a head, 2 s for a body, 4 KiB of head, 2 requests
in flight) so each refusal shows within seconds: a slow header sender is cut
off, an oversized head gets 431, a declared body that never comes gets 408,
a request over the concurrency cap gets 503 with Retry-After (health checks
still answer). And X-Forwarded-For chooses a client's rate-limit bucket only
when it comes from a proxy named in FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
import pytest

from tests.faults.servers import spare_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIMITS = {
    "HEADER_READ_TIMEOUT_SECONDS": "1",
    "BODY_READ_TIMEOUT_SECONDS": "2",
    "MAX_HEADER_BYTES": "4096",
    "MAX_CONCURRENT_REQUESTS": "2",
    "RATE_LIMIT_ENABLED": "true",
    "RATE_LIMIT_BUCKET_SIZE": "1000",
    "RATE_LIMIT_RESTORE_RATE": "0.001",  # what a request takes stays taken
    "RATE_LIMIT_ANONYMOUS_RESTORE_RATE": "0.001",
    "RATE_LIMIT_ANONYMOUS_BUCKET_SIZE": "1000",
    # Buckets compared point for point: a new document's CPU (tests/limits/
    # test_preparation_charge.py) would differ between the first request and the rest.
    "RATE_LIMIT_POINTS_PER_CPU_MS": "0",
}
QUERY = b'{"query": "{ drivers(first: 5) { nodes { id } } }"}'


@contextmanager
def serving(directory: Path, **settings: str) -> Iterator[int]:
    """`fleetgraph serve` on a spare port, on a small embedded database of its own."""
    port = spare_port()
    env = {k: v for k, v in os.environ.items() if k not in {"FORWARDED_ALLOW_IPS"}}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'serve.sqlite3'}",
        JWT_SECRET="serve-limits-tests-secret-0123456789abcdef",
        DEMO_DRIVERS="6",
        DEMO_TRIPS_PER_DRIVER="1",
        RESPONSE_CACHE_ENABLED="false",  # hits are not charged: every request must be
        LOG_LEVEL="warning",
        LOG_REQUESTS="false",
        **settings,
    )
    log = directory / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=directory,  # no .env or var/ of the checkout
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start:\n" + log.read_text()
            time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with serving(tmp_path_factory.mktemp("serve"), **LIMITS) as found:
        yield found


async def connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def until_closed(reader: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(reader.read(), timeout=10)


def status_and_code(raw: bytes) -> tuple[int, str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, orjson.loads(body)["errors"][0]["extensions"]["code"]


def header(raw: bytes, name: bytes) -> bytes | None:
    head = raw.partition(b"\r\n\r\n")[0]
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def post(body: bytes = QUERY, *, length: int | None = None, extra: bytes = b"") -> bytes:
    declared = len(body) if length is None else length
    return (
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n%s\r\n%s" % (declared, extra, body)
    )


async def test_a_slow_header_sender_is_disconnected(port: int) -> None:
    reader, writer = await connect(port)
    answer = asyncio.create_task(until_closed(reader))
    started = time.monotonic()
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
    for _ in range(50):  # a byte every 0.1 s: the head would take 5 s
        await asyncio.sleep(0.1)
        if answer.done():
            break
        try:
            writer.write(b"x")
            await writer.drain()
        except ConnectionError:
            break
    raw = await answer
    writer.close()
    assert time.monotonic() - started < 3
    assert status_and_code(raw) == (408, "HEADER_READ_TIMEOUT")


async def test_an_oversized_head_gets_431(port: int) -> None:
    reader, writer = await connect(port)
    writer.write(post(extra=b"X-Padding: " + b"p" * 8192 + b"\r\n"))
    await writer.drain()
    raw = await until_closed(reader)
    writer.close()
    assert status_and_code(raw) == (431, "HEADERS_TOO_LARGE")


async def test_a_declared_body_never_sent_gets_408(port: int) -> None:
    reader, writer = await connect(port)
    started = time.monotonic()
    writer.write(post(b"", length=len(QUERY)))  # the fast path's kind of request
    await writer.drain()
    raw = await until_closed(reader)
    writer.close()
    assert 2 <= time.monotonic() - started < 6
    assert status_and_code(raw) == (408, "BODY_READ_TIMEOUT")
    assert header(raw, b"connection") == b"close"


async def test_requests_over_the_cap_get_503_with_retry_after(port: int) -> None:
    stalled = [await connect(port) for _ in range(2)]
    for _, writer in stalled:  # each holds a slot, waiting for its body
        writer.write(post(QUERY[:10], length=len(QUERY)))
        await writer.drain()
    await asyncio.sleep(0.5)  # both in the app, their bodies due in 2 s
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        busy = await http.post(
            "/graphql", content=QUERY, headers={"content-type": "application/json"}
        )
        health = await http.get("/health")
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["errors"][0]["extensions"]["code"] == "SERVER_BUSY"
        assert health.status_code == 200  # monitoring is not counted
        for reader, writer in stalled:  # their bodies time out, freeing the slots
            assert status_and_code(await until_closed(reader)) == (408, "BODY_READ_TIMEOUT")
            writer.close()
        served = await http.post(
            "/graphql", content=QUERY, headers={"content-type": "application/json"}
        )
        assert served.status_code == 200
        assert len(served.json()["data"]["drivers"]["nodes"]) == 5


async def remaining(port: int, forwarded_for: str) -> int:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        response = await http.post(
            "/graphql",
            content=QUERY,
            headers={"content-type": "application/json", "x-forwarded-for": forwarded_for},
        )
    assert response.status_code == 200, response.text
    found: int = response.json()["extensions"]["cost"]["throttle"]["remaining"]
    return found


async def test_x_forwarded_for_does_not_choose_the_bucket_by_default(port: int) -> None:
    first = await remaining(port, "203.0.113.1")
    second = await remaining(port, "203.0.113.2")  # the same connection's bucket, drained
    assert second == first - 5


async def test_x_forwarded_for_from_a_named_proxy_chooses_the_bucket(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    directory = tmp_path_factory.mktemp("proxied")
    with serving(directory, **LIMITS, FORWARDED_ALLOW_IPS="127.0.0.1") as proxied:
        first = await remaining(proxied, "203.0.113.1")
        assert await remaining(proxied, "203.0.113.2") == first  # a bucket of its own
        assert await remaining(proxied, "203.0.113.1") == first - 5


def test_uvicorn_gets_the_limits_and_believes_no_proxy_by_default() -> None:
    from uvicorn.importer import import_from_string

    from cli.http_protocol import ServedHttpProtocol
    from cli.serve import uvicorn_options
    from config import Settings

    options = uvicorn_options(Settings())
    assert options["proxy_headers"] is False
    assert import_from_string(options["http"]) is ServedHttpProtocol
    assert options["h11_max_incomplete_event_size"] == 16 * 1024
    assert options["timeout_keep_alive"] == 5
    assert options["timeout_worker_healthcheck"] == 60  # uvicorn's 5 s killed busy workers
    proxied = uvicorn_options(Settings(forwarded_allow_ips="10.0.0.0/8, 10.1.2.3"))
    assert proxied["proxy_headers"] is True
    assert proxied["forwarded_allow_ips"] == "10.0.0.0/8,10.1.2.3"
