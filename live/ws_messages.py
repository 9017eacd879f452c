"""graphql-transport-ws: the protocol's close codes and messages (the `graphql-ws`
library's PROTOCOL.md), as the server sends them."""

from __future__ import annotations

from typing import Any

import orjson

PROTOCOL = "graphql-transport-ws"

BAD_MESSAGE = 4400  # "Invalid message received"
UNAUTHORIZED = 4401  # a subscribe before the connection was acknowledged
FORBIDDEN = 4403  # connection_init refused (a bad bearer token)
SUBPROTOCOL = 4406  # "Subprotocol not acceptable"
INIT_TIMEOUT = 4408  # "Connection initialisation timeout"
DUPLICATE = 4409  # "Subscriber for <id> already exists"
TOO_MANY_INITS = 4429  # "Too many initialisation requests"
# RFC 6455 codes the client retries on: a process at its cap, a slow consumer
# dropped (it reconnects and gets the current state first), a shutdown.
TRY_AGAIN_LATER = 1013
GOING_AWAY = 1001
INTERNAL = 1011


def message(kind: str, **fields: Any) -> str:
    return orjson.dumps({"type": kind, **fields}).decode()


def next_message(subscription_id: str, payload: bytes) -> str:
    """A `next` around a payload the group encoded once for all its subscribers."""
    head = b'{"id":' + orjson.dumps(subscription_id) + b',"type":"next","payload":'
    return (head + payload + b"}").decode()
