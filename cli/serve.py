"""`fleetgraph serve`: prepare the embedded database, then run uvicorn."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import uvicorn

from config import Settings


async def _prepare_embedded(settings: Settings) -> None:
    """On SQLite: migrate, and seed the demo data when the database is empty.

    Done once here, before workers start, so workers never race on it.
    PostgreSQL deployments migrate and seed explicitly (`fleetgraph migrate`).
    """
    from db.migrate import upgrade
    from seed import SeedPlan, database_is_empty, seed_database

    await asyncio.to_thread(upgrade, settings.database_url)
    if settings.seed_on_empty and await database_is_empty(settings.database_url):
        print("first start: seeding the demo data…", file=sys.stderr)
        plan = SeedPlan(
            drivers=settings.demo_drivers,
            trips_per_driver=settings.demo_trips_per_driver,
            seed=settings.demo_seed,
        )
        summary = await seed_database(settings.database_url, plan, progress=True)
        print(summary.describe(), file=sys.stderr)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `serve` tells uvicorn besides the app, address and workers."""
    return {
        "loop": "uvloop",
        # Each request head bounded in time and size (compat/uvicorn.py, bound to the
        # settings by cli/http_protocol.py).
        "http": "cli.http_protocol:ServedHttpProtocol",
        "h11_max_incomplete_event_size": settings.max_header_bytes,  # if h11 is ever chosen
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
        # X-Forwarded-For/-Proto only from the proxies named; by default from nobody,
        # so a client cannot choose its address (its rate-limit bucket).
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_level": settings.log_level.lower(),
        "access_log": False,
        # The supervisor kills a worker whose ping thread does not answer in time; under
        # a full CPU (a thread preparing a large document, the loop busy) uvicorn's 5 s
        # killed live workers with every request on them (bench/RESULTS.md, abuse mix).
        "timeout_worker_healthcheck": settings.worker_healthcheck_timeout_seconds,
        # SIGTERM drains in-flight requests; none outlives its deadline by much.
        "timeout_graceful_shutdown": int(settings.request_timeout_seconds) + 5,
    }


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    if settings.is_sqlite:
        asyncio.run(_prepare_embedded(settings))
    print(f"GraphiQL at http://{host}:{port}/graphql", file=sys.stderr)
    uvicorn.run(
        "gql.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **uvicorn_options(settings),
    )
