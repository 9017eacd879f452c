"""graphql-transport-ws as PROTOCOL.md words it, frame by frame (a real WebSocket
client library, `websockets`): keepalive pings both ways, and each close code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.live.operations import LEADERBOARD
from tests.live.servers import AppProcess

PROTOCOL = ["graphql-transport-ws"]


@pytest.fixture(scope="module")
def app(start_app: Callable[..., AppProcess]) -> AppProcess:
    return start_app(LIVE_KEEPALIVE_SECONDS="0.3", LIVE_INIT_TIMEOUT_SECONDS="0.5")


async def _send(ws: ClientConnection, **message: Any) -> None:
    await ws.send(json.dumps(message))


async def _closed_with(ws: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_pings_both_ways(app: AppProcess) -> None:
    async def scenario() -> None:
        async with connect(app.ws_url, subprotocols=PROTOCOL) as ws:  # type: ignore[arg-type]
            await _send(ws, type="connection_init")
            assert json.loads(await ws.recv()) == {"type": "connection_ack"}
            await _send(ws, type="ping")
            assert json.loads(await ws.recv()) == {"type": "pong"}
            async with asyncio.timeout(2):  # the server's keepalive
                assert json.loads(await ws.recv()) == {"type": "ping"}

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("messages", "code", "reason"),
    [
        ([], 4408, "Connection initialisation timeout"),
        (
            [{"type": "connection_init"}, {"type": "connection_init"}],
            4429,
            "Too many initialisation requests",
        ),
        (
            [{"id": "1", "type": "subscribe", "payload": {"query": LEADERBOARD}}],
            4401,
            "Unauthorized",
        ),
        ([{"type": "connection_init"}, {"type": "nope"}], 4400, "Invalid message received"),
        (
            [{"type": "connection_init"}]
            + [{"id": "1", "type": "subscribe", "payload": {"query": LEADERBOARD}}] * 2,
            4409,
            "Subscriber for 1 already exists",
        ),
    ],
)
def test_close_codes(
    app: AppProcess, messages: list[dict[str, Any]], code: int, reason: str
) -> None:
    async def scenario() -> tuple[int, str]:
        async with connect(app.ws_url, subprotocols=PROTOCOL) as ws:  # type: ignore[arg-type]
            for message in messages:
                await ws.send(json.dumps(message))
            return await _closed_with(ws)

    assert asyncio.run(scenario()) == (code, reason)


def test_a_client_without_the_subprotocol_is_refused(app: AppProcess) -> None:
    async def scenario() -> tuple[int, str]:
        async with connect(app.ws_url) as ws:
            return await _closed_with(ws)

    assert asyncio.run(scenario()) == (4406, "Subprotocol not acceptable")
