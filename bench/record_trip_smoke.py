"""recordTrip at a small scale, in process: trips/s and SQL statements per write.

    .venv/bin/python bench/record_trip_smoke.py --clients 8 --seconds 5

A sanity check of the write path, not an acceptance figure (bench/write_load.py
and `make bench` measure at benchmark scale): a throwaway PostgreSQL database
seeded small (200 drivers x 5 trips), the app served in process through
httpx's ASGI transport (GraphQL parsing, auth, the write, cache invalidation
on the in-process backend), `--clients` admin clients each recording trips
for drivers of its own, one at a time, for `--seconds`. Prints trips/s, mean
latency and SQL statements per recordTrip (counted by the app's own
statement counter, /metrics' fleetgraph_sql_statements). The database is
dropped afterwards. Runs against whatever code is on `sys.path` first, so the
same script measures an older checkout (PYTHONPATH=that checkout).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from payloads import RECORD_TRIP, token, trip_input

from config import Settings
from db.migrate import upgrade
from db.statements import SQL_STATEMENTS
from gql.app import create_app
from seed import SeedPlan, seed_database
from tests.services import throwaway_pg_database

SECRET = "record-trip-smoke-secret-0123456789abcdef"
PLAN = SeedPlan(drivers=200, trips_per_driver=5, seed=3)


async def _client(client: httpx.AsyncClient, n: int, clients: int, until: float) -> list[float]:
    rng = random.Random(n)
    headers = {"Authorization": f"Bearer {token(SECRET, f'smoke-{n}', 'admin')}"}
    drivers = [pk for pk in range(1, PLAN.drivers + 1) if pk % clients == n]
    latencies = []
    while time.perf_counter() < until:
        body = {"query": RECORD_TRIP, "variables": {"input": trip_input(rng, rng.choice(drivers))}}
        started = time.perf_counter()
        response = await client.post("/graphql", json=body, headers=headers)
        latencies.append(time.perf_counter() - started)
        payload = response.json()
        assert "errors" not in payload and not payload["data"]["recordTrip"]["userErrors"], payload
    return latencies


async def _run(url: str, clients: int, seconds: float) -> None:
    await seed_database(url, PLAN, progress=False)
    settings = Settings(database_url=url, jwt_secret=SecretStr(SECRET), seed_on_empty=False)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://smoke") as client,
    ):
        await _client(client, 0, clients, time.perf_counter() + 0.5)  # warm up
        before = SQL_STATEMENTS._value.get()
        until = time.perf_counter() + seconds
        runs = await asyncio.gather(*(_client(client, n, clients, until) for n in range(clients)))
        statements = SQL_STATEMENTS._value.get() - before
    latencies = [latency for run in runs for latency in run]
    print(
        f"{len(latencies)} trips in {seconds:g} s with {clients} clients: "
        f"{len(latencies) / seconds:.0f} trips/s, mean {statistics.mean(latencies) * 1000:.1f} ms, "
        f"{statements / len(latencies):.2f} SQL statements per recordTrip"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if not 0 < args.seconds <= 30:
        parser.error("--seconds: 0 < s <= 30 (a smoke run; `make bench` measures)")
    with throwaway_pg_database(prefix="fleetgraph_smoke") as url:
        upgrade(url)
        asyncio.run(_run(url, args.clients, args.seconds))


if __name__ == "__main__":
    main()
