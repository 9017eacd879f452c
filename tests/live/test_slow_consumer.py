"""A subscriber that stops reading is dropped (1013) once its queue is full, and the
others of its group go on receiving every update meanwhile."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from db.migrate import upgrade
from seed import SeedPlan, seed_database
from tests.live.clients import NodeClient
from tests.live.servers import AppProcess, record_trip, wait_for_subscriptions
from tests.plans import TEST_ANCHOR
from tests.services import throwaway_pg_database

Clients = Callable[..., NodeClient]
# Thirty copies of a page of 100: payloads large enough to fill a stalled socket quickly.
PAGE = "nodes { rank value driver { id name region createdAt stats { trips distanceKm } } }"
BIG = (
    "subscription { leaderboardChanged(first: 100) { "
    + " ".join(f"p{i}: leaderboard {{ {PAGE} }}" for i in range(30))
    + " } }"
)


@pytest.fixture(scope="module")
def live_db() -> Iterator[str]:
    """More drivers than the other modules': a leaderboard page of 100."""
    with throwaway_pg_database("fleetgraph_live") as url:
        upgrade(url)
        plan = SeedPlan(drivers=150, trips_per_driver=10, seed=5, anchor=TEST_ANCHOR)
        asyncio.run(seed_database(url, plan, progress=False))
        yield url


@pytest.fixture(scope="module")
def app(start_app: Callable[..., AppProcess]) -> AppProcess:
    return start_app(LIVE_QUEUE_SIZE="2", LIVE_COALESCE_SECONDS="0", MAX_QUERY_COST="1000000")


async def stalled_subscriber(app: AppProcess) -> object:
    """A graphql-transport-ws client that reads its first payload, then nothing more
    (a tiny receive buffer, and the library's own queue of one message)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", app.port))
    ws = await connect(app.ws_url, sock=sock, subprotocols=["graphql-transport-ws"], max_queue=1)  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": BIG}}))
    assert json.loads(await ws.recv())["type"] == "next"
    return ws


async def stalled_stream(app: AppProcess) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A graphql-sse request (distinct connections mode, over a raw socket) that reads
    its first event, then nothing more."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", app.port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=2**14)
    body = json.dumps({"query": BIG}).encode()
    head = (
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    assert b" 200 " in (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")[0]
    await reader.readuntil(b"event: next")
    return reader, writer


async def _drop_the_slow_one(
    app: AppProcess, fast: NodeClient, dropped: float, offset: int
) -> tuple[int, list[float]]:
    """Writes that move the leaderboard until one subscriber is dropped; how many it
    took, and how long the fast subscriber waited for each."""
    leader = fast.next_payload()["data"]["leaderboardChanged"]["p0"]["nodes"][0]["driver"]["id"]
    waits = []
    for i in range(60):
        minutes = offset + 40 * i
        await record_trip(app, leader, safety_score=95 + 5 * (i % 2), minutes=minutes)
        started = time.monotonic()
        await asyncio.to_thread(fast.next_payload)  # every write reaches the fast one
        waits.append(time.monotonic() - started)
        if await app.metric("fleetgraph_live_dropped_total") > dropped:
            return i + 1, waits
    raise AssertionError(f"nobody dropped after 60 writes: {waits}")


def test_slow_websocket_dropped_without_slowing_the_others(
    app: AppProcess, clients: Clients
) -> None:
    async def scenario() -> None:
        dropped = await app.metric("fleetgraph_live_dropped_total")
        fast = clients("ws", app.ws_url, BIG)
        slow = await stalled_subscriber(app)
        await wait_for_subscriptions(app, 2)
        writes, waits = await _drop_the_slow_one(app, fast, dropped, 600)
        assert await app.metric("fleetgraph_live_dropped_total") == dropped + 1
        assert max(waits) < 2.0, waits
        await wait_for_subscriptions(app, 1)  # the slow one's subscription is gone
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                while True:
                    await slow.recv()  # type: ignore[attr-defined]
        assert closed.value.rcvd is None or closed.value.rcvd.code == 1013
        print(f"dropped after {writes} writes; slowest delivery to the other {max(waits):.3f} s")

    asyncio.run(scenario())


def test_slow_event_stream_dropped_without_slowing_the_others(
    app: AppProcess, clients: Clients
) -> None:
    async def scenario() -> None:
        dropped = await app.metric("fleetgraph_live_dropped_total")
        fast = clients("sse", f"{app.url}/graphql", BIG)
        slow, writer = await stalled_stream(app)
        await wait_for_subscriptions(app, 2)
        writes, waits = await _drop_the_slow_one(app, fast, dropped, 4000)
        assert await app.metric("fleetgraph_live_dropped_total") == dropped + 1
        assert max(waits) < 2.0, waits
        await wait_for_subscriptions(app, 1)
        rest = b""
        async with asyncio.timeout(15):  # what was queued, then the end: never `complete`
            while not rest.endswith(b"0\r\n\r\n") and (chunk := await slow.read(2**16)):
                rest = (rest + chunk)[-4096:]
        writer.close()
        assert b"event: complete" not in rest
        print(f"dropped after {writes} writes; slowest delivery to the other {max(waits):.3f} s")

    asyncio.run(scenario())
