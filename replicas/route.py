"""The server one request reads from, chosen once per request (pipeline/execute.py).

One server per request, not per statement: an answer read from two replicas
could mix two points in time, and the response cache needs the one position
(`wal`) the whole answer was read at (cache/backends/redis.py refuses to store
it when a tag it carries was invalidated after that position).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from replicas.pools import Pools


@dataclass(frozen=True, slots=True)
class Route:
    pools: Pools  # loaders.read_pool.ReadPools of the chosen server
    # The replica's replay position when it was chosen (its reads see at least that);
    # None: the primary, which sees every commit.
    wal: int | None
    down: Callable[[], None] | None = None  # a replica: mark it down after a lost connection


ROUTE: ContextVar[Route | None] = ContextVar("fleetgraph_read_route", default=None)


def current_wal() -> int | None:
    """The replay position this request's reads were made at (None: the primary, or
    no replicas configured)."""
    route = ROUTE.get()
    return None if route is None else route.wal
