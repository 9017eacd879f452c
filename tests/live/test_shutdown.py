"""SIGTERM: WebSocket subscribers are told the service restarts (1012), a code the
graphql-ws client retries on, and the process exits once they are closed."""

from __future__ import annotations

import signal
from collections.abc import Callable

from tests.live.clients import NodeClient
from tests.live.operations import LEADERBOARD
from tests.live.servers import AppProcess

Clients = Callable[..., NodeClient]


def test_sigterm_closes_websockets_with_service_restart(
    start_app: Callable[..., AppProcess], clients: Clients
) -> None:
    app = start_app()
    client = clients("ws", app.ws_url, LEADERBOARD, variables={"first": 3})
    assert client.next_payload()["data"]["leaderboardChanged"]["leaderboard"]["nodes"]

    app.process.send_signal(signal.SIGTERM)

    closed = client.next_event()
    assert (closed["event"], closed["code"]) == ("closed", 1012)
    # uvicorn re-raises the signal once it shut down gracefully: killed by SIGTERM.
    assert app.process.wait(timeout=15) == -signal.SIGTERM
