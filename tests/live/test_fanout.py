"""Two app processes sharing a Redis: a write through one reaches the other's
subscribers; with Redis killed each process keeps its own live queries going,
and when Redis is back the others' subscribers get a fresh full payload."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest

from tests.faults.servers import RedisServer
from tests.live.clients import NodeClient
from tests.live.operations import LEADERBOARD, TRIPS
from tests.live.servers import AppProcess, record_trip, wait_for_subscriptions

Clients = Callable[..., NodeClient]
BOARD = "{ leaderboard(first: 10) { nodes { rank value driver { id name } } } }"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("live-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pair(
    start_app: Callable[..., AppProcess], redis_server: RedisServer
) -> tuple[AppProcess, AppProcess]:
    env = {"REDIS_URL": redis_server.url, "LIVE_REDIS_RETRY_SECONDS": "0.2"}
    return start_app(**env), start_app(**env)


async def relays_up(*apps: AppProcess, up: float = 1) -> None:
    async with asyncio.timeout(15):
        for app in apps:
            while await app.metric("fleetgraph_live_relay_up") != up:  # noqa: ASYNC110
                await asyncio.sleep(0.05)


def _board(client: NodeClient) -> dict[str, object]:
    payload = client.next_payload()
    board: dict[str, object] = payload["data"]["leaderboardChanged"]["leaderboard"]
    return {**board, "resync": (payload.get("extensions") or {}).get("live", {}).get("resync")}


def test_a_write_through_one_process_reaches_both(
    pair: tuple[AppProcess, AppProcess], clients: Clients
) -> None:
    a, b = pair
    asyncio.run(relays_up(a, b))
    on_a = clients("ws", a.ws_url, LEADERBOARD, variables={"first": 10})
    on_b = clients("sse", f"{b.url}/graphql", LEADERBOARD, variables={"first": 10})
    leader = _board(on_a)["nodes"][0]["driver"]["id"]  # type: ignore[index]
    _board(on_b)
    trips = clients("ws", a.ws_url, TRIPS, variables={"driverId": leader})
    asyncio.run(wait_for_subscriptions(a, 2))

    recorded = asyncio.run(record_trip(b, leader, safety_score=0, minutes=400))

    current = asyncio.run(a.graphql(BOARD))["leaderboard"]
    assert {**current, "resync": None} == _board(on_a) == _board(on_b)
    assert trips.next_payload()["data"]["tripRecorded"]["id"] == recorded


def test_redis_killed_and_back(
    pair: tuple[AppProcess, AppProcess], redis_server: RedisServer, clients: Clients
) -> None:
    a, b = pair
    asyncio.run(relays_up(a, b))
    on_a = clients("ws", a.ws_url, LEADERBOARD, variables={"first": 10})
    nodes = _board(on_a)["nodes"]
    drivers = [n["driver"]["id"] for n in nodes]  # type: ignore[attr-defined]

    redis_server.stop()
    asyncio.run(relays_up(a, b, up=0))
    asyncio.run(record_trip(a, drivers[0], safety_score=0, minutes=500))
    local = _board(on_a)  # the writer's own process goes on without Redis
    assert local["resync"] is None and local["nodes"] == _board_now(a)["nodes"]
    asyncio.run(record_trip(b, drivers[1], safety_score=0, minutes=500))
    assert on_a.quiet_for(1.0)  # missed while Redis is down

    redis_server.start()
    asyncio.run(relays_up(a, b))

    fresh = _board(on_a)  # a fresh full payload, saying updates may have been missed
    assert fresh["resync"] is True
    assert fresh["nodes"] == _board_now(a)["nodes"]
    asyncio.run(record_trip(b, drivers[2], safety_score=0, minutes=500))
    assert _board(on_a)["nodes"] == _board_now(a)["nodes"]  # across processes again


def _board_now(app: AppProcess) -> dict[str, object]:
    board: dict[str, object] = asyncio.run(app.graphql(BOARD))["leaderboard"]
    return board
