"""Reads on the primary vs on a streaming replica: Q1-Q4 req/s and the primary's CPU.

    .venv/bin/python bench/replica_bench.py                      # 10,000 drivers x 100 trips
    .venv/bin/python bench/replica_bench.py --drivers 50 --trips-per-driver 3 --duration 1

Starts its own PostgreSQL 15 primary and a `pg_basebackup -R` replica on spare
ports (the test bed's servers, tests/replicas/servers.py), seeds the primary,
then serves the API twice with the response cache off: reads on the primary
(DATABASE_URL only), and reads on the replica (DATABASE_READ_URLS). For each
query it runs `--connections` keep-alive clients for `--duration` seconds and
reports req/s and the primary's CPU (utime + stime of every process of its
cluster, from /proc) per request. On one machine the point is where the load
goes, not more throughput: the replica competes for the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seed import SeedPlan, seed_database  # noqa: E402
from tests.faults.servers import PgCluster, spare_port  # noqa: E402
from tests.replicas.apps import _wait_until_serving, start_server, stop_server  # noqa: E402
from tests.replicas.servers import PgReplica, psql  # noqa: E402

QUERIES = ROOT / "bench" / "queries"
TICKS = os.sysconf("SC_CLK_TCK")


def cluster_cpu_seconds(cluster: PgCluster) -> float:
    """CPU seconds used so far by the postmaster of `cluster` and its children."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster or ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def payloads(name: str, drivers: int) -> list[dict[str, object]]:
    text = (QUERIES / f"{name}.graphql").read_text()
    if "$id" not in text:
        return [{"query": text}]
    from bench.payloads import global_id

    return [
        {"query": text, "variables": {"id": global_id("Driver", pk)}}
        for pk in range(1, drivers + 1)
    ]


async def drive(
    base: str, bodies: list[dict[str, object]], seconds: float, connections: int
) -> int:
    """Requests answered (200, no errors) by `connections` clients within `seconds`."""
    done = 0
    stop = time.monotonic() + seconds

    async def client(offset: int) -> None:
        nonlocal done
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            n = offset
            while time.monotonic() < stop:
                response = await http.post("/graphql", json=bodies[n % len(bodies)])
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(
                        f"failed request: {response.status_code} {response.text[:200]}"
                    )
                done += 1
                n += 1

    await asyncio.gather(*(client(i * 7919) for i in range(connections)))
    return done


async def measure(
    args: argparse.Namespace, primary: PgCluster, env: dict[str, str]
) -> dict[str, tuple[float, float]]:
    port = spare_port()
    log = Path(tempfile.mkdtemp(prefix="fleetgraph-bench-")) / "stderr.log"
    process = start_server({**env, "ENVIRONMENT": "development"}, port, log)
    results: dict[str, tuple[float, float]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as http:
            await _wait_until_serving(http, process, log)
        for name in args.queries:
            bodies = payloads(name, args.drivers)
            await drive(base, bodies, args.warmup, args.connections)
            cpu = cluster_cpu_seconds(primary)
            started = time.monotonic()
            count = await drive(base, bodies, args.duration, args.connections)
            elapsed = time.monotonic() - started
            used = cluster_cpu_seconds(primary) - cpu
            results[name] = (count / elapsed, used / max(count, 1) * 1e6)
    finally:
        stop_server(process)
        shutil.rmtree(log.parent, ignore_errors=True)
    return results


async def bench(args: argparse.Namespace, directory: Path) -> str:
    (directory / "primary").mkdir()
    (directory / "replica").mkdir()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    primary = PgCluster(directory / "primary")
    primary.start()
    replica: PgReplica | None = None
    try:
        psql(primary, "CREATE DATABASE fleetgraph")
        url = primary.url("fleetgraph")
        from db.migrate import upgrade

        await asyncio.to_thread(upgrade, url)
        plan = SeedPlan(drivers=args.drivers, trips_per_driver=args.trips_per_driver, seed=42)
        await seed_database(url, plan, progress=False)
        replica = PgReplica(directory / "replica", primary)
        replica.start()
        common = {
            "DATABASE_URL": url,
            "RESPONSE_CACHE_ENABLED": "false",
            "LOG_REQUESTS": "false",
            "RATE_LIMIT_ENABLED": "false",  # one client address sends everything
        }
        on_primary = await measure(args, primary, common)
        on_replica = await measure(
            args, primary, {**common, "DATABASE_READ_URLS": replica.url("fleetgraph")}
        )
    finally:
        for server in (replica, primary):
            if server is not None:
                server.stop("immediate")
    return report(args, on_primary, on_replica)


def report(
    args: argparse.Namespace,
    on_primary: dict[str, tuple[float, float]],
    on_replica: dict[str, tuple[float, float]],
) -> str:
    lines = [
        f"Replica bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.drivers} drivers x "
        f"{args.trips_per_driver} trips, {args.connections} connections, {args.duration} s "
        f"per query, response cache off, 1 worker; load average {os.getloadavg()}",
        "",
        "| op | on primary: req/s | primary CPU us/req | on replica: req/s | primary CPU us/req |",
        "|---|---|---|---|---|",
    ]
    for name in args.queries:
        (rate_p, cpu_p), (rate_r, cpu_r) = on_primary[name], on_replica[name]
        lines.append(
            f"| {name.upper()} | {rate_p:,.0f} | {cpu_p:,.0f} | {rate_r:,.0f} | {cpu_r:,.0f} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--drivers", type=int, default=10_000)
    parser.add_argument("--trips-per-driver", type=int, default=100)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per query")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--queries", type=lambda t: t.split(","), default=["q1", "q2", "q3", "q4"])
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="fleetgraph-replica-bench-"))
    try:
        print(asyncio.run(bench(args, directory)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
