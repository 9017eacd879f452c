"""A Redis that dies mid-test: requests still answer from the database, the error
counter counts it, and the cache resumes by itself once Redis is back."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.cache.client import CacheClient, counter, serving, status
from tests.services import unavailable

QUERY = "{ drivers(first: 3) { nodes { id name } } }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    command = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.05).close()
                break
            except OSError:
                import time

                time.sleep(0.01)
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def redis_port() -> int:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    return _free_port()


async def _answer(client: CacheClient, expected: object) -> str:
    response = await client.post(QUERY)
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert response.json()["data"] == expected
    return status(response)


async def test_redis_down_then_back(seeded_url: str, redis_port: int) -> None:
    url = f"redis://127.0.0.1:{redis_port}/0"
    errors = "fleetgraph_response_cache_errors_total"
    with redis_server(redis_port) as server:
        async with serving(seeded_url, redis_url=url, response_cache_backoff_seconds=0.2) as client:
            expected = (await client.post(QUERY)).json()["data"]
            assert await _answer(client, expected) == "hit"
            before = counter(errors, operation="get", backend="redis")
            server.kill()
            server.wait()
            assert await _answer(client, expected) == "bypass"
            assert counter(errors, operation="get", backend="redis") == before + 1
            assert await _answer(client, expected) == "bypass"  # backing off: no new error
            with redis_server(redis_port):
                await asyncio.sleep(0.25)
                assert await _answer(client, expected) == "miss"  # the new Redis is empty
                assert await _answer(client, expected) == "hit"
