"""Live queries on one process: N WebSocket subscribers of one leaderboard, one write.

    .venv/bin/python bench/live_bench.py [--subscribers 1000] [--drivers 1000]
        [--trips-per-driver 20] [--database-url postgresql+asyncpg://…]

Serves the API (one uvicorn worker) on a database of its own (a throwaway
`fleetgraph_bench_live_*` seeded at the given scale, or --database-url), opens
N graphql-transport-ws connections from this process, each subscribing to the
same `leaderboardChanged(first: 10)` (one group), and waits for every first
payload. Then it reports:

- RSS per idle subscription: the server's RSS with the N subscribers, minus
  its RSS with one, over N - 1;
- change-to-delivery: one recordTrip that moves the leader (a 0 safety score),
  and for each subscriber the time from sending the mutation to receiving the
  update (p50, p99, max; the mutation's own duration alongside);
- recomputations per write: the server's `fleetgraph_live_recomputations_total`
  before and after the write (target: one per distinct group, here 1).

Targets (issue 22): p99 <= 250 ms at N = 1,000 and <= 1 s at N = 10,000;
RSS per idle subscription <= 50 KB. The clients share the machine's cores with
the server; say so next to the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import run
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auth import mint_token  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from seed import SeedPlan, seed_database  # noqa: E402
from tests.services import throwaway_pg_database  # noqa: E402

SECRET = "live-bench-secret-0123456789abcdef-0123"
BOARD = """subscription { leaderboardChanged(first: 10) {
  leaderboard { nodes { rank value driver { id name } } }
  moves { driver { id } oldRank newRank } } }"""
RECORD = """mutation($input: RecordTripInput!) {
  recordTrip(input: $input) { trip { id } userErrors { code } } }"""


async def subscriber(url: str) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url, subprotocols=["graphql-transport-ws"], max_size=None)  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": BOARD}}))
    first = json.loads(await ws.recv())
    assert first["type"] == "next", first
    return ws, first["payload"]


async def next_update(ws: ClientConnection) -> float:
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == "next":
            return time.monotonic()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def metric(base: str, name: str) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{base}/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " ")
    )


async def record_trip(base: str, driver_id: str) -> float:
    token = mint_token(SECRET, role="admin", subject="live-bench")
    async with httpx.AsyncClient(timeout=30) as client:
        season = (
            await client.post(f"{base}/graphql", json={"query": "{ activeSeason { startsAt } }"})
        ).json()
        start = datetime.fromisoformat(season["data"]["activeSeason"]["startsAt"])
        started = start + timedelta(minutes=uuid.uuid4().int % 10_000)
        trip = {
            "driverId": driver_id,
            "startedAt": started.isoformat(),
            "endedAt": (started + timedelta(minutes=30)).isoformat(),
            "distanceKm": 10.0,
            "safetyScore": 0,
        }
        sent = time.monotonic()
        response = await client.post(
            f"{base}/graphql",
            json={"query": RECORD, "variables": {"input": trip}},
            headers={"authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert body["data"]["recordTrip"]["userErrors"] == [], body
    return sent


async def measure(server: run.Server, subscribers: int) -> dict[str, Any]:
    base = server.base_url
    url = base.replace("http", "ws", 1) + "/graphql"
    pid = run.serving_pid(server.process.pid)
    first_ws, first = await subscriber(url)
    await asyncio.sleep(1.0)
    rss_one = rss_kib(pid)
    opened = [first_ws]
    for start in range(1, subscribers, 200):  # in waves: the server's backlog is finite
        batch = await asyncio.gather(
            *(subscriber(url) for _ in range(start, min(start + 200, subscribers)))
        )
        opened += [ws for ws, _ in batch]
    await asyncio.sleep(2.0)
    rss_all = rss_kib(pid)
    recomputed = await metric(base, "fleetgraph_live_recomputations_total")
    leader = first["data"]["leaderboardChanged"]["leaderboard"]["nodes"][0]["driver"]["id"]
    waits = [asyncio.ensure_future(next_update(ws)) for ws in opened]
    sent = await record_trip(base, leader)
    written = time.monotonic() - sent
    received = await asyncio.wait_for(asyncio.gather(*waits), timeout=60)
    latencies = sorted((t - sent) * 1000 for t in received)
    await asyncio.sleep(0.5)
    recomputations = await metric(base, "fleetgraph_live_recomputations_total") - recomputed
    groups = await metric(base, "fleetgraph_live_groups")
    for ws in opened:
        await ws.close()
    return {
        "subscribers": subscribers,
        "rss_per_idle_subscription_kib": round((rss_all - rss_one) / max(subscribers - 1, 1), 2),
        "mutation_ms": round(written * 1000, 1),
        "change_to_delivery_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "max": round(latencies[-1], 1),
        },
        "recomputations_per_write": recomputations,
        "groups": groups,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--drivers", type=int, default=1000)
    parser.add_argument("--trips-per-driver", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one socket per subscriber
    env = {
        **os.environ,
        "JWT_SECRET": SECRET,
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_ENABLED": "false",
        "LIVE_MAX_CONNECTIONS": "0",
        "LIVE_MAX_SUBSCRIPTIONS_PER_CLIENT": str(args.subscribers + 10),
    }
    env.pop("REDIS_URL", None)

    def bench(url: str) -> dict[str, Any]:
        port = run.free_port()
        command = [sys.executable, "-m", "cli.main", "serve", f"--port={port}", "--workers=1"]
        with run.serving("live", command, {**env, "DATABASE_URL": url}, port) as server:
            return asyncio.run(measure(server, args.subscribers))

    started = datetime.now(UTC).isoformat(timespec="seconds")
    if args.database_url:
        result = bench(args.database_url)
    else:
        with throwaway_pg_database("fleetgraph_bench_live") as url:
            upgrade(url)
            anchor = datetime(2026, 11, 20, tzinfo=UTC)
            plan = SeedPlan(args.drivers, args.trips_per_driver, seed=42, anchor=anchor)
            asyncio.run(seed_database(url, plan, progress=False))
            result = bench(url)
    print(json.dumps({"date": started, "cores": os.cpu_count(), **result}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
