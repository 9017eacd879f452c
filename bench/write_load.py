"""Writes beside reads with the Redis response cache (issue 17, class 7).

    .venv/bin/python bench/write_load.py                       # the acceptance run (see below)
    .venv/bin/python bench/write_load.py --readers 20 --writers 4 --duration 10 \\
        --drivers 500 --trips-per-driver 20                     # a quick dev run

The acceptance line: 200 clients reading and 16 recording trips for 60 s with
the Redis cache (the defaults, on the benchmark data): 0 failed invalidations,
no stale read after an acknowledged write (the readers check), aggregates
equal to a recomputation afterwards.

What one run does:

1. The database, seeded or reused exactly as bench/run.py does it
   (`fleetgraph_bench`: 10,000 drivers x 100 trips; other scales get their own).
2. `fleetgraph serve --workers N` with production settings (bench/run.py's
   environment, rate limiter off) plus `REDIS_URL` (`BENCH_REDIS_URL`,
   default redis://127.0.0.1:6379/0; loopback only) and the response cache
   on, under a key prefix of the run's own that is deleted afterwards;
   `PROMETHEUS_MULTIPROC_DIR` set, so /metrics sums the workers.
3. `--readers` clients, one request at a time, reading Q1 (bench/queries/q1.graphql)
   and, with probability `--check-share`, checking one of the written drivers:
   `driver(id) { stats { trips } trips { totalCount } }`. A check knows the
   counts the writers had been acknowledged for that driver before it was
   sent; an answer with a smaller count is a stale read.
4. `--writers` admin clients, one recordTrip at a time, each for drivers of
   its own (so a driver's counts grow only by its writer's acknowledged
   writes), every write with an `externalId`. The mutation answers the
   driver's counts as of its commit, and `extensions.cache.invalidation`.
   With probability `--repeat-share` a write is sent again with the same key
   and input, as a client retrying after a timeout would: it must answer the
   same trip with the same counts.
5. Afterwards: invalidation outcomes from the mutation responses and from
   /metrics (`fleetgraph_response_cache_invalidations_total`), the server log's
   "invalidation failed" lines; trips grew by exactly the distinct trips
   acknowledged, no externalId twice; the touched drivers'
   `driver_season_stats` equal a recomputation. Then the trips are deleted
   through the API and the aggregates checked again, so the data is left as
   it was found.
6. A dated section is appended to bench/RESULTS.md (other scales:
   bench/out/RESULTS-dev.md, or --results).

Bounded: every client stops sending at `--duration` seconds (at most 600),
each request times out after 30 s, and the server is stopped at the end.

Exit status: 0 the acceptance line holds; 1 a check failed; 2 the run could
not be made (no PostgreSQL, no Redis, the server did not start).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_test
import run as bench
from payloads import global_id, token, trip_input

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DRIVERS_PER_WRITER = 4
REQUEST_TIMEOUT = 30.0
MAX_DURATION = 600
RECORD = """mutation RecordTrip($input: RecordTripInput!) {
  recordTrip(input: $input) {
    trip { id driver { stats { trips } trips(first: 1) { totalCount } } }
    userErrors { code message }
  }
}"""
CHECK = """query Check($id: ID!) {
  driver(id: $id) { id stats { trips } trips(first: 1) { totalCount } }
}"""
_METRIC = re.compile(
    r"^fleetgraph_response_cache_(invalidations|errors)_total\{([^}]*)\}\s+(\S+)$", re.MULTILINE
)

Counts = tuple[int, int]  # (stats.trips in the active season, trips.totalCount)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    invalidation: Counter[str] = field(default_factory=Counter)  # from mutation responses
    cache_status: Counter[str] = field(default_factory=Counter)  # check reads
    acked: dict[int, Counts] = field(default_factory=dict)  # driver -> counts last acknowledged
    created: dict[str, str] = field(default_factory=dict)  # trip id -> externalId
    touched: set[int] = field(default_factory=set)
    checks: int = 0
    stale: list[str] = field(default_factory=list)
    repeats: int = 0
    repeat_mismatches: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def _counts(driver: dict[str, Any]) -> Counts:
    return int(driver["stats"]["trips"]), int(driver["trips"]["totalCount"])


async def _post(
    http: httpx.AsyncClient, tally: Tally, name: str, body: dict[str, Any], auth: str
) -> dict[str, Any] | None:
    """The response body of one request, tallied; None when it is not a usable answer."""
    started = time.perf_counter()
    try:
        response = await http.post(
            "/graphql", json=body, headers={"authorization": f"Bearer {auth}"}
        )
    except httpx.HTTPError as exc:
        tally.statuses[(name, 599)] += 1
        tally.problems.append(f"{name}: transport error {exc!r}")
        return None
    tally.latencies[name].append(time.perf_counter() - started)
    tally.statuses[(name, response.status_code)] += 1
    try:
        payload: dict[str, Any] = response.json()
    except ValueError:
        tally.problems.append(f"{name}: HTTP {response.status_code}, not JSON")
        return None
    for error in payload.get("errors") or []:
        tally.error_codes[(error.get("extensions") or {}).get("code", "?")] += 1
    if response.status_code != 200 or payload.get("errors") or payload.get("data") is None:
        tally.problems.append(f"{name}: HTTP {response.status_code}: {str(payload)[:200]}")
        return None
    return payload


async def reader(
    index: int,
    http: httpx.AsyncClient,
    q1: str,
    auth: str,
    written: list[int],
    check_share: float,
    deadline: float,
    tally: Tally,
) -> None:
    rng = random.Random(1000 + index)
    while time.monotonic() < deadline:
        if rng.random() >= check_share:
            await _post(http, tally, "q1", {"query": q1}, auth)
            continue
        driver_pk = rng.choice(written)
        before = tally.acked.get(driver_pk)  # acknowledged before this read is sent
        variables = {"id": global_id("Driver", driver_pk)}
        payload = await _post(http, tally, "check", {"query": CHECK, "variables": variables}, auth)
        if payload is None or before is None:
            continue
        tally.checks += 1
        tally.cache_status[payload.get("extensions", {}).get("cache", {}).get("status", "?")] += 1
        got = _counts(payload["data"]["driver"])
        if got[0] < before[0] or got[1] < before[1]:
            tally.stale.append(f"driver {driver_pk}: read {got} after {before} was acknowledged")


async def writer(
    index: int,
    http: httpx.AsyncClient,
    auth: str,
    drivers: list[int],
    run_id: str,
    repeat_share: float,
    deadline: float,
    tally: Tally,
) -> None:
    rng = random.Random(index)
    number = 0
    while time.monotonic() < deadline:
        driver_pk = drivers[number % len(drivers)]
        number += 1
        trip = {
            **trip_input(rng, driver_pk),
            "externalId": f"{run_id}-w{index}-{number}",
        }
        first = await _record(http, tally, "recordTrip", trip, auth)
        if first is None:
            continue
        trip_id, counts = first
        tally.created[trip_id] = trip["externalId"]
        tally.touched.add(driver_pk)
        tally.acked[driver_pk] = counts
        if rng.random() < repeat_share and time.monotonic() < deadline:
            tally.repeats += 1
            again = await _record(http, tally, "recordTrip (repeat)", trip, auth)
            if again is not None and again != first:
                tally.repeat_mismatches.append(f"{trip['externalId']}: {first} then {again}")


async def _record(
    http: httpx.AsyncClient, tally: Tally, name: str, trip: dict[str, Any], auth: str
) -> tuple[str, Counts] | None:
    payload = await _post(http, tally, name, {"query": RECORD, "variables": {"input": trip}}, auth)
    if payload is None:
        return None
    outcome = payload.get("extensions", {}).get("cache", {}).get("invalidation", "absent")
    tally.invalidation[outcome] += 1
    answer = payload["data"]["recordTrip"]
    if answer["trip"] is None:
        tally.problems.append(f"{name} refused: {answer['userErrors']}")
        return None
    return str(answer["trip"]["id"]), _counts(answer["trip"]["driver"])


def _metrics(text: str) -> dict[str, Counter[str]]:
    """fleetgraph_response_cache_{invalidations,errors}_total by outcome / operation."""
    found: dict[str, Counter[str]] = {"invalidations": Counter(), "errors": Counter()}
    for kind, labels, value in _METRIC.findall(text):
        parsed = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        found[kind][parsed.get("outcome") or parsed.get("operation", "?")] += int(float(value))
    return found


async def external_id_duplicates(dsn: str, run_id: str) -> tuple[int, int]:
    """(rows, distinct keys) of this run's trips."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, count(DISTINCT (driver_id, external_id)) AS keys "
            "FROM trips WHERE external_id LIKE $1",
            f"{run_id}-%",
        )
    finally:
        await conn.close()
    assert row is not None
    return int(row["n"]), int(row["keys"])


@dataclass
class Outcome:
    tally: Tally
    seconds: float
    metrics: dict[str, Counter[str]]
    log_failures: int
    trips_before: int
    trips_after_run: int
    trips_after_cleanup: int
    keyed_rows: tuple[int, int]
    mismatches_after_run: list[str]
    mismatches_after_cleanup: list[str]
    delete_failures: int

    @property
    def failed_invalidations(self) -> int:
        return (
            self.tally.invalidation["failed"]
            + self.metrics["invalidations"]["failed"]
            + self.log_failures
        )

    @property
    def writes_exact(self) -> bool:
        created = len(self.tally.created)
        return (
            self.trips_after_run - self.trips_before == created
            and self.keyed_rows == (created, created)
            and not self.tally.repeat_mismatches
            and not self.mismatches_after_run
            and not self.mismatches_after_cleanup
            and self.trips_after_cleanup == self.trips_before
            and self.delete_failures == 0
        )

    @property
    def passed(self) -> bool:
        tally = self.tally
        return (
            self.failed_invalidations == 0
            and tally.invalidation["ok"] > 0
            and set(tally.invalidation) == {"ok"}
            and not tally.stale
            and tally.checks > 0
            and tally.server_errors == 0
            and not tally.problems
            and self.writes_exact
        )


async def drive(
    args: argparse.Namespace, opts: Any, server: Any, env: dict[str, str], run_id: str
) -> Outcome:
    secret = env["JWT_SECRET"]
    q1 = (bench.QUERIES / "q1.graphql").read_text().strip()
    rng = random.Random(17)
    count = min(args.writers * DRIVERS_PER_WRITER, opts.drivers)
    written = rng.sample(range(1, opts.drivers + 1), count)
    dsn = opts.admin_url.set(drivername="postgresql", database=opts.database).render_as_string(
        hide_password=False
    )
    trips_before = await load_test.trips_count(dsn)
    tally = Tally()
    clients = args.readers + args.writers
    limits = httpx.Limits(
        max_connections=clients + 16,
        max_keepalive_connections=clients + 16,
        keepalive_expiry=bench.CLIENT_KEEPALIVE_S,
    )
    async with httpx.AsyncClient(
        base_url=server.base_url, limits=limits, timeout=REQUEST_TIMEOUT
    ) as http:
        started = time.monotonic()
        deadline = started + args.duration
        readers = [
            reader(
                i,
                http,
                q1,
                token(secret, f"reader-{i}", "reader"),
                written,
                args.check_share,
                deadline,
                tally,
            )
            for i in range(args.readers)
        ]
        writers = [
            writer(
                i,
                http,
                token(secret, f"writer-{i}", "admin"),
                written[i :: args.writers] or written,
                run_id,
                args.repeat_share,
                deadline,
                tally,
            )
            for i in range(args.writers)
        ]
        await asyncio.gather(*readers, *writers)
        seconds = time.monotonic() - started
        metrics = _metrics((await http.get("/metrics")).text)
        bench.log(f"{tally.requests} requests in {seconds:.1f} s; checking the writes")
        trips_after_run = await load_test.trips_count(dsn)
        keyed_rows = await external_id_duplicates(dsn, run_id)
        touched = sorted(tally.touched)
        after_run = await load_test.stats_mismatches(dsn, touched) if touched else []
        bench.log(f"deleting the {len(tally.created)} recorded trips through the API")
        admin = token(secret, "write-load-cleanup", "admin")
        delete_failures = await load_test.delete_trips(http, admin, list(tally.created))
    after_cleanup = await load_test.stats_mismatches(dsn, touched) if touched else []
    log_failures = sum(
        "invalidation failed" in line
        for line in server.log_path.read_text(errors="replace").splitlines()
    )
    return Outcome(
        tally,
        seconds,
        metrics,
        log_failures,
        trips_before,
        trips_after_run,
        await load_test.trips_count(dsn),
        keyed_rows,
        after_run,
        after_cleanup,
        delete_failures,
    )


def _ms(values: list[float], q: float | None = None) -> str:
    if not values:
        return "-"
    if q is None:
        return f"{statistics.fmean(values) * 1000:.0f}"
    return f"{load_test.percentile(values, q) * 1000:.0f}"


def report(args: argparse.Namespace, opts: Any, outcome: Outcome, load_before: str) -> str:
    tally = outcome.tally
    verdict = "passed" if outcome.passed else "FAILED"
    lines = [
        f"## Writes beside reads, Redis cache {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
        f" ({verdict})",
        "",
        f"- `bench/write_load.py {' '.join(args.argv)}`".rstrip() + f" at commit {bench._git()}",
        f"- Data: {opts.database} ({opts.drivers:,} drivers x {opts.trips_per_driver} trips); "
        f"server `fleetgraph serve --workers {args.workers}`, ENVIRONMENT=production, "
        "Redis response cache (local copies on), rate limiter off",
        f"- {args.readers} readers (Q1; a check of a written driver with probability "
        f"{args.check_share:g}) and {args.writers} writers (recordTrip with an externalId, "
        f"{DRIVERS_PER_WRITER} drivers each, repeated with probability {args.repeat_share:g}) "
        f"for {outcome.seconds:.1f} s, each one request at a time",
        f"- Machine: {bench._cpu()}; load average before: {load_before}, "
        f"after: {bench.loadavg()} (the load generator runs on the same machine)",
        "",
        "| operation | requests | req/s | mean ms | p50 ms | p99 ms | statuses |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in sorted(tally.latencies):
        values = tally.latencies[name]
        statuses = ", ".join(
            f"{status}: {n}" for (op, status), n in sorted(tally.statuses.items()) if op == name
        )
        lines.append(
            f"| {name} | {len(values):,} | {len(values) / outcome.seconds:.1f} | "
            f"{_ms(values)} | {_ms(values, 0.5)} | {_ms(values, 0.99)} | {statuses} |"
        )
    metrics = outcome.metrics
    lines += [
        "",
        f"- **Failed invalidations: {outcome.failed_invalidations}** (mutation responses: "
        + ", ".join(f"{k} {n}" for k, n in sorted(tally.invalidation.items()))
        + "; /metrics: "
        + (", ".join(f"{k} {n}" for k, n in sorted(metrics["invalidations"].items())) or "none")
        + f"; server log lines: {outcome.log_failures})",
        "- Response-cache errors on /metrics by operation (a read's error is a bypass): "
        + (", ".join(f"{k} {n}" for k, n in sorted(metrics["errors"].items())) or "none"),
        f"- **Stale reads: {len(tally.stale)}** of {tally.checks:,} checks after an "
        "acknowledged write (check answers: "
        + ", ".join(f"{k} {n}" for k, n in sorted(tally.cache_status.items()))
        + ")",
        f"- Repeats (same externalId and input): {tally.repeats}, answered with another "
        f"trip or other counts: {len(tally.repeat_mismatches)}",
        f"- Writes: {len(tally.created)} trips for {len(tally.touched)} drivers; trips "
        f"{outcome.trips_before:,} -> {outcome.trips_after_run:,} "
        f"(+{outcome.trips_after_run - outcome.trips_before}); rows / distinct keys of the "
        f"run: {outcome.keyed_rows[0]} / {outcome.keyed_rows[1]}; **aggregates equal a "
        "recomputation: "
        + ("yes" if not outcome.mismatches_after_run else str(outcome.mismatches_after_run[:3]))
        + "**",
        f"- Cleanup through deleteTrip: {len(tally.created) - outcome.delete_failures} deleted, "
        f"trips back to {outcome.trips_after_cleanup:,}; aggregates exact after it: "
        + (
            "yes"
            if not outcome.mismatches_after_cleanup
            else str(outcome.mismatches_after_cleanup[:3])
        ),
        f"- 5xx: {tally.server_errors}; other problems: {len(tally.problems)}; error codes: "
        + (", ".join(f"{c} {n}" for c, n in tally.error_codes.most_common()) or "none"),
    ]
    for label, found in (("stale reads", tally.stale), ("problems", tally.problems)):
        if found:
            lines.append(f"- First {label}: {found[:3]}")
    return "\n".join(lines) + "\n"


def _duration(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_DURATION:
        raise argparse.ArgumentTypeError(f"expected 1..{MAX_DURATION} seconds, got {text}")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected 0..1, got {text}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/write_load.py", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--duration", type=_duration, default=60, help="seconds (at most 600)")
    parser.add_argument("--readers", type=bench._positive, default=200)
    parser.add_argument("--writers", type=bench._positive, default=16)
    parser.add_argument("--workers", type=bench._positive, default=2)
    parser.add_argument(
        "--check-share", type=_share, default=0.2, help="share of reads that check a written driver"
    )
    parser.add_argument(
        "--repeat-share", type=_share, default=0.1, help="share of writes sent a second time"
    )
    parser.add_argument("--drivers", type=bench._positive, default=bench.FULL_DRIVERS)
    parser.add_argument(
        "--trips-per-driver", type=bench._positive, default=bench.FULL_TRIPS_PER_DRIVER
    )
    parser.add_argument("--results", type=Path, help="report file (default as bench/run.py)")
    args = parser.parse_args(argv)
    args.argv = argv
    return args


async def _redis_reachable(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise bench.BenchError(f"BENCH_REDIS_URL must be on the loopback interface, not {host}")
    try:
        async with Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as redis:
            await redis.ping()
    except Exception as exc:
        raise bench.BenchError(f"no Redis at {url}: {exc!r}") from exc


async def _delete_prefix(url: str, prefix: str) -> None:
    async with Redis.from_url(url) as redis:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]
        for start in range(0, len(keys), 1000):
            await redis.unlink(*keys[start : start + 1000])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = ["--drivers", str(args.drivers), "--trips-per-driver", str(args.trips_per_driver)]
    opts = bench.parse_options(scale + (["--results", str(args.results)] if args.results else []))
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    run_id = f"wl{uuid.uuid4().hex[:10]}"
    prefix = f"fleetgraph:bench:{run_id}:"
    metrics_dir = Path(tempfile.mkdtemp(prefix="fleetgraph-write-load-metrics-"))
    try:
        asyncio.run(_redis_reachable(redis_url))
        bench.prepare_database(opts)
        env = bench.api_env(opts)
        env.update(
            REDIS_URL=redis_url,
            RESPONSE_CACHE_ENABLED="true",
            RESPONSE_CACHE_KEY_PREFIX=prefix + "rc:",
            PERSISTED_QUERIES_KEY_PREFIX=prefix + "pq:",
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
            LOG_LEVEL="warning",
        )
        port = bench.free_port()
        command = [
            str(bench.VENV_BIN / "fleetgraph"),
            "serve",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={args.workers}",
        ]
        load_before = bench.loadavg()
        with bench.serving("write-load", command, env, port) as server:
            outcome = asyncio.run(drive(args, opts, server, env, run_id))
    except bench.BenchError as exc:
        print(f"write load: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        try:
            asyncio.run(_delete_prefix(redis_url, prefix))
        except Exception as exc:  # the run's verdict stands; say what was left behind
            bench.log(f"could not delete the Redis keys under {prefix}: {exc!r}")
    section = report(args, opts, outcome, load_before)
    print(section)
    bench.append_report(opts.results, section)
    bench.log(f"appended to {opts.results}")
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
