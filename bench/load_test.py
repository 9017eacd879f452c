"""Load test (issue 7): concurrent clients mixing the contract queries and recordTrip.

    .venv/bin/python bench/load_test.py                       # 200 clients, 60 s, benchmark data
    .venv/bin/python bench/load_test.py --duration 10 --clients 50 \\
        --drivers 500 --trips-per-driver 20                     # a quick dev run

What one run does:

1. The benchmark database, seeded or reused exactly as bench/run.py does it
   (`fleetgraph_bench`: 10,000 drivers x 100 trips; other scales get their own).
2. `fleetgraph serve --workers N` with production settings (bench/run.py's
   environment: no Redis, no response cache) and the rate limiter ON: every
   client has its own API key (a token with its own subject), so its own bucket.
3. `--clients` clients, each one request at a time for `--duration` seconds
   (`--think`: an average pause between a client's requests, 0 by default):
   Q1-Q4 (bench/queries) and, with probability `--write-share`, recordTrip
   (admin token) for one of 100 drivers, so writes contend on the same
   aggregate rows. Every response is checked (status, JSON, data/errors).
4. Afterwards: every recorded trip is in the database exactly once (trips
   grew by exactly the number of successful recordTrips) and the touched
   drivers' `driver_season_stats` equal a recomputation from their trips and
   events. Then the trips are deleted through the API (deleteTrip keeps the
   aggregates exact) and both checks run again, so the benchmark data is
   left as it was found.
5. The serving processes' RSS is sampled every second; it is "bounded" when
   the peak of the second half is within 20% of the RSS at the end of the
   first quarter (after warm-up).
6. A dated section is appended to bench/RESULTS.md (other scales:
   bench/out/RESULTS-dev.md, or --results).

Exit status: 0 all checks passed; 1 a check failed (5xx, lost or duplicated
writes, inexact aggregates, unbounded RSS); 2 the run could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

import run as bench

QUERY_WEIGHTS = {"q1": 3, "q2": 2, "q3": 3, "q4": 2}
WRITE_DRIVERS = 100
RSS_GROWTH_LIMIT = 1.20
RECORD_TRIP = """mutation RecordTrip($input: RecordTripInput!) {
  recordTrip(input: $input) { trip { id } userErrors { code message } } }"""
DELETE_TRIP = "mutation($id: ID!) { deleteTrip(id: $id) { deletedId userErrors { code } } }"
KINDS = ("HARSH_BRAKING", "RAPID_ACCELERATION", "SPEEDING", "SHARP_TURN", "PHONE_USE")
IN_SEASON = "JOIN seasons s ON s.starts_at <= t.started_at AND t.started_at < s.ends_at"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    bad_bodies: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def global_id(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def token(secret: str, subject: str, role: str) -> str:
    now = int(time.time())
    claims = {"sub": subject, "role": role, "iat": now, "exp": now + 3600}
    return jwt.encode(claims, secret, algorithm="HS256")


def trip_input(rng: random.Random, driver_pk: int) -> dict[str, Any]:
    ended = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 48 * 60))
    duration = timedelta(minutes=rng.randint(5, 180))
    started = ended - duration
    events = [
        {
            "kind": rng.choice(KINDS),
            "severity": rng.randint(1, 5),
            "occurredAt": (started + duration * rng.random()).isoformat(),
        }
        for _ in range(rng.randint(0, 4))
    ]
    return {
        "driverId": global_id("Driver", driver_pk),
        "startedAt": started.isoformat(),
        "endedAt": ended.isoformat(),
        "distanceKm": round(rng.uniform(1.0, 250.0), 3),
        "safetyScore": rng.randint(0, 100),
        "safetyEvents": events,
    }


async def client_loop(
    index: int,
    http: httpx.AsyncClient,
    operations: list[Any],
    deadline: float,
    write_share: float,
    tokens: tuple[str, str],
    write_drivers: list[int],
    tally: Tally,
    think: float,
) -> None:
    rng = random.Random(index)
    reader, admin = tokens
    names = [op.name for op in operations for _ in range(QUERY_WEIGHTS.get(op.name, 1))]
    by_name = {op.name: op for op in operations}
    while time.monotonic() < deadline:
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        driver_pk = None
        if rng.random() < write_share:
            name = "recordTrip"
            driver_pk = rng.choice(write_drivers)
            body: dict[str, Any] = {
                "query": RECORD_TRIP,
                "variables": {"input": trip_input(rng, driver_pk)},
            }
            auth = admin
        else:
            name = rng.choice(names)
            op = by_name[name]
            body = {"query": op.document}
            if op.ids:
                body["variables"] = {"id": rng.choice(op.ids)}
            auth = reader
        started = time.perf_counter()
        try:
            response = await http.post(
                "/graphql", json=body, headers={"authorization": f"Bearer {auth}"}
            )
        except httpx.HTTPError as exc:
            tally.statuses[(name, 599)] += 1
            tally.bad_bodies.append(f"{name}: transport error {exc!r}")
            continue
        tally.latencies[name].append(time.perf_counter() - started)
        tally.statuses[(name, response.status_code)] += 1
        try:
            payload = response.json()
        except ValueError:
            tally.bad_bodies.append(f"{name}: HTTP {response.status_code}, not JSON")
            continue
        for error in payload.get("errors") or []:
            tally.error_codes[(error.get("extensions") or {}).get("code", "?")] += 1
        if response.status_code == 429:
            retry = float(response.headers.get("retry-after", "1"))
            await asyncio.sleep(min(retry, 2.0))
            continue
        if name == "recordTrip" and response.status_code == 200:
            payload_trip = ((payload.get("data") or {}).get("recordTrip") or {}).get("trip")
            if payload_trip is not None:
                tally.created.append(payload_trip["id"])
                assert driver_pk is not None
                tally.touched.add(driver_pk)
            elif not payload.get("errors"):
                tally.bad_bodies.append(f"recordTrip refused: {payload}")
        elif "data" not in payload and response.status_code == 200:
            tally.bad_bodies.append(f"{name}: no data: {str(payload)[:200]}")


def rss_kib(root: int) -> int:
    return sum(bench._status_kib(pid, "VmRSS") for pid in [root, *bench._descendants(root)])


async def sample_rss(root: int, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - started, rss_kib(root)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def trips_count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM trips"))
    finally:
        await conn.close()


async def stats_mismatches(url: str, drivers: list[int]) -> list[str]:
    """Touched drivers' driver_season_stats against a recomputation (empty: exact)."""
    conn = await asyncpg.connect(url)
    try:
        stored = {
            (r["season_id"], r["driver_id"]): r
            for r in await conn.fetch(
                "SELECT * FROM driver_season_stats WHERE driver_id = ANY($1)", drivers
            )
        }
        sums = await conn.fetch(
            f"SELECT s.id AS season_id, t.driver_id, count(*) AS trips, "
            f"sum(t.distance_km) AS distance_km, sum(t.safety_score * t.distance_km) AS sd "
            f"FROM trips t {IN_SEASON} WHERE t.driver_id = ANY($1) GROUP BY 1, 2",
            drivers,
        )
        events = await conn.fetch(
            f"SELECT s.id AS season_id, t.driver_id, e.kind, count(*) AS n "
            f"FROM safety_events e JOIN trips t ON t.id = e.trip_id {IN_SEASON} "
            f"WHERE t.driver_id = ANY($1) GROUP BY 1, 2, 3",
            drivers,
        )
    finally:
        await conn.close()
    kinds: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for r in events:
        kinds[(r["season_id"], r["driver_id"])][r["kind"].lower()] += r["n"]
    problems = []
    expected_keys = {(r["season_id"], r["driver_id"]) for r in sums}
    if expected_keys != set(stored):
        problems.append(f"rows differ: {sorted(expected_keys ^ set(stored))[:5]}")
    for r in sums:
        key = (r["season_id"], r["driver_id"])
        row = stored.get(key)
        if row is None:
            continue
        counted = kinds[key]
        want = {"trips": r["trips"], "safety_events": sum(counted.values())}
        want.update({kind.lower(): counted[kind.lower()] for kind in KINDS})
        got = {column: row[column] for column in want}
        if got != want:
            problems.append(f"{key}: {got} != {want}")
        for column, value in (("distance_km", r["distance_km"]), ("score_distance", r["sd"])):
            if abs(row[column] - value) > 1e-6 * max(1.0, abs(value)):
                problems.append(f"{key}: {column} {row[column]} != {value}")
    return problems


async def delete_trips(http: httpx.AsyncClient, admin: str, ids: list[str]) -> int:
    failures = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for trip_id in ids:
        queue.put_nowait(trip_id)

    async def worker() -> None:
        nonlocal failures
        while not queue.empty():
            trip_id = queue.get_nowait()
            response = await http.post(
                "/graphql",
                json={"query": DELETE_TRIP, "variables": {"id": trip_id}},
                headers={"authorization": f"Bearer {admin}"},
            )
            deleted = (((response.json().get("data") or {}).get("deleteTrip")) or {}).get(
                "deletedId"
            )
            failures += deleted != trip_id

    await asyncio.gather(*(worker() for _ in range(16)))
    return failures


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Outcome:
    tally: Tally
    seconds: float
    rss: list[tuple[float, int]]
    trips_before: int
    trips_after_run: int
    trips_after_cleanup: int
    mismatches_after_run: list[str]
    mismatches_after_cleanup: list[str]
    delete_failures: int

    @property
    def rss_bounded(self) -> bool:
        if len(self.rss) < 4:
            return True
        total = self.rss[-1][0]
        warm = [kib for t, kib in self.rss if t <= total / 4][-1]
        late_peak = max(kib for t, kib in self.rss if t >= total / 2)
        return late_peak <= warm * RSS_GROWTH_LIMIT

    @property
    def writes_exact(self) -> bool:
        created = len(self.tally.created)
        return (
            self.trips_after_run - self.trips_before == created
            and len(set(self.tally.created)) == created
            and not self.mismatches_after_run
            and not self.mismatches_after_cleanup
            and self.trips_after_cleanup == self.trips_before
            and self.delete_failures == 0
        )

    @property
    def passed(self) -> bool:
        return (
            self.tally.server_errors == 0
            and not self.tally.bad_bodies
            and self.writes_exact
            and self.rss_bounded
        )


async def drive(args: argparse.Namespace, opts: Any, server: Any, env: dict[str, str]) -> Outcome:
    secret = env["JWT_SECRET"]
    operations = bench.load_operations(opts)
    rng = random.Random(7)
    write_drivers = rng.sample(range(1, opts.drivers + 1), min(WRITE_DRIVERS, opts.drivers))
    db_url = opts.admin_url.set(drivername="postgresql", database=opts.database)
    dsn = db_url.render_as_string(hide_password=False)
    trips_before = await trips_count(dsn)
    tally = Tally()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60) as http:
        stop = asyncio.Event()
        samples: list[tuple[float, int]] = []
        sampler = asyncio.create_task(sample_rss(server.process.pid, samples, stop))
        started = time.monotonic()
        deadline = started + args.duration
        await asyncio.gather(
            *(
                client_loop(
                    i,
                    http,
                    operations,
                    deadline,
                    args.write_share,
                    (token(secret, f"load-{i}", "reader"), token(secret, f"load-{i}", "admin")),
                    write_drivers,
                    tally,
                    args.think,
                )
                for i in range(args.clients)
            )
        )
        seconds = time.monotonic() - started
        stop.set()
        await sampler
        bench.log(f"{tally.requests} requests in {seconds:.1f} s; checking the writes")
        trips_after_run = await trips_count(dsn)
        touched = sorted(tally.touched)
        after_run = await stats_mismatches(dsn, touched) if touched else []
        bench.log(f"deleting the {len(tally.created)} recorded trips through the API")
        admin = token(secret, "load-cleanup", "admin")
        delete_failures = await delete_trips(http, admin, tally.created)
    after_cleanup = await stats_mismatches(dsn, touched) if touched else []
    return Outcome(
        tally,
        seconds,
        samples,
        trips_before,
        trips_after_run,
        await trips_count(dsn),
        after_run,
        after_cleanup,
        delete_failures,
    )


def report(args: argparse.Namespace, opts: Any, outcome: Outcome, load_before: str) -> str:
    tally = outcome.tally
    lines = [
        f"## Load test {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} "
        f"({'passed' if outcome.passed else 'FAILED'})",
        "",
        f"- `bench/load_test.py {' '.join(args.argv)}`".rstrip() + f" at commit {bench._git()}",
        f"- Data: {opts.database} ({opts.drivers:,} drivers x {opts.trips_per_driver} trips); "
        f"server `fleetgraph serve --workers {args.workers}`, ENVIRONMENT=production, "
        "no Redis, no response cache, rate limiter on (one bucket per client)",
        f"- {args.clients} clients for {outcome.seconds:.1f} s, each one request at a time; "
        f"writes: recordTrip with probability {args.write_share} on {WRITE_DRIVERS} drivers; "
        f"think time {args.think:g} s on average",
        f"- Machine: {bench._cpu()}; load average before: {load_before}, "
        f"after: {bench.loadavg()} (the load generator runs on the same machine)",
        "",
        "| operation | requests | req/s | p50 ms | p99 ms | statuses |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name in sorted(tally.latencies):
        values = tally.latencies[name]
        statuses = ", ".join(
            f"{status}: {n}" for (op, status), n in sorted(tally.statuses.items()) if op == name
        )
        lines.append(
            f"| {name} | {len(values):,} | {len(values) / outcome.seconds:.1f} | "
            f"{statistics.median(values) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} | "
            f"{statuses} |"
        )
    all_latencies = [v for values in tally.latencies.values() for v in values]
    lines += [
        f"| all | {len(all_latencies):,} | {len(all_latencies) / outcome.seconds:.1f} | "
        f"{statistics.median(all_latencies) * 1000:.0f} | "
        f"{percentile(all_latencies, 0.99) * 1000:.0f} | 5xx: {tally.server_errors} |",
        "",
        f"- 5xx responses: **{tally.server_errors}**; malformed or data-less 200s: "
        f"{len(tally.bad_bodies)}; error codes: "
        + (", ".join(f"{c} {n}" for c, n in tally.error_codes.most_common()) or "none"),
        f"- Writes: {len(tally.created)} trips recorded for {len(tally.touched)} drivers; "
        f"trips {outcome.trips_before:,} -> {outcome.trips_after_run:,} "
        f"(+{outcome.trips_after_run - outcome.trips_before}); driver_season_stats of the "
        f"touched drivers equal a recomputation: "
        f"{'yes' if not outcome.mismatches_after_run else outcome.mismatches_after_run[:3]}",
        f"- Cleanup through deleteTrip: {len(tally.created) - outcome.delete_failures} deleted, "
        f"trips back to {outcome.trips_after_cleanup:,}; aggregates exact after it: "
        + (
            "yes"
            if not outcome.mismatches_after_cleanup
            else str(outcome.mismatches_after_cleanup[:3])
        ),
    ]
    if outcome.rss:
        total = outcome.rss[-1][0]
        warm = [kib for t, kib in outcome.rss if t <= total / 4][-1]
        peak = max(kib for _, kib in outcome.rss)
        late_peak = max(kib for t, kib in outcome.rss if t >= total / 2)
        lines.append(
            f"- RSS of the serving processes: start {outcome.rss[0][1] / 1024:.0f} MiB, "
            f"after warm-up {warm / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB, "
            f"peak of the second half {late_peak / 1024:.0f} MiB "
            f"({'bounded' if outcome.rss_bounded else 'GROWING'}: limit "
            f"{RSS_GROWTH_LIMIT:.0%} of after-warm-up), end {outcome.rss[-1][1] / 1024:.0f} MiB"
        )
    if tally.bad_bodies:
        lines.append(f"- First problems: {tally.bad_bodies[:3]}")
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/load_test.py", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a client waits between requests"
    )
    parser.add_argument("--drivers", type=int, default=bench.FULL_DRIVERS)
    parser.add_argument("--trips-per-driver", type=int, default=bench.FULL_TRIPS_PER_DRIVER)
    parser.add_argument("--results", type=Path, help="report file (default as bench/run.py)")
    args = parser.parse_args(argv)
    args.argv = argv
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = ["--drivers", str(args.drivers), "--trips-per-driver", str(args.trips_per_driver)]
    opts = bench.parse_options(scale + (["--results", str(args.results)] if args.results else []))
    try:
        bench.prepare_database(opts)
        env = bench.api_env(opts)
        env["RATE_LIMIT_ENABLED"] = "true"  # the per-client buckets are part of what is tested
        port = bench.free_port()
        command = [
            str(bench.VENV_BIN / "fleetgraph"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
        load_before = bench.loadavg()
        with bench.serving("load-test", command, env, port) as server:
            outcome = asyncio.run(drive(args, opts, server, env))
    except bench.BenchError as exc:
        print(f"load test: {exc}", file=sys.stderr)
        return 2
    section = report(args, opts, outcome, load_before)
    print(section)
    bench.append_report(opts.results, section)
    bench.log(f"appended to {opts.results}")
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
