"""/health (the process answers) and /ready (it can serve: the database answers).

Redis is reported but never makes the service unready: the response cache
and APQ fail open without it, so a Redis outage is "degraded", still 200.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from observability.provider import service_version

if TYPE_CHECKING:
    from observability.probes import DatabaseProbe

READY_TIMEOUT = 2.0  # seconds per dependency; a load balancer probes often


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": service_version()})


async def _database_ok(database: DatabaseProbe) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            await database.ping()
    except Exception:  # any failure to answer is "not ready"; the reason goes to logs
        return False
    return True


async def _redis_ok(client: Any) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            await client.ping()
    except Exception:
        return False
    return True


def _redis_clients(request: Request) -> list[Any]:
    """Redis clients the app holds: persisted-query store, response cache backend."""
    state = request.app.state
    clients = []
    for holder, part in (("persisted", "store"), ("response_cache", "backend")):
        inner = getattr(getattr(state, holder, None), part, None)
        client = getattr(inner, "client", None)
        if client is not None and hasattr(client, "ping"):
            clients.append(client)
    return clients


async def ready(request: Request) -> Response:
    database_ok = await _database_ok(request.app.state.database)
    clients = _redis_clients(request)
    redis_ok = all(await asyncio.gather(*(_redis_ok(c) for c in clients)))
    checks = {"database": "ok" if database_ok else "unavailable"}
    if clients:
        checks["redis"] = "ok" if redis_ok else "unavailable"
    if not database_ok:
        status, code = "unavailable", 503
    elif not redis_ok:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JSONResponse(
        {"status": status, "version": service_version(), "checks": checks}, status_code=code
    )
