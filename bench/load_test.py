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

With --abuse (issue 17's acceptance, "abuse mix"):

    .venv/bin/python bench/load_test.py --abuse    # 50 benign clients: 60 s alone, 600 s with abuse
    .venv/bin/python bench/load_test.py --abuse --duration 20 --baseline 10 \\
        --drivers 500 --trips-per-driver 20           # a quick dev run

the same benign clients (default 50) run a warm-up (`--warmup`, not counted),
a baseline without abuse (`--baseline` s), then `--duration` s beside the
abuse mix of bench/abuse.py (`--abuse-clients` closed-loop clients cycling
through the review's classes at the largest sizes the limits allow, plus
`--slow-connections` held at a time), which runs in a process of its own.
The report gives benign p50/p99 without and with the abuse (target: p99 with
at most twice p99 without), the serving processes' RSS sampled every second
(before the abuse, its peak, after; target: less than 50 MB growth), and
every abusive answer by class and variant against what the server promises
(no 5xx, the expected refusal codes). `--abuse-only` runs some variants or
classes only, to find which one hurts.

Exit status: 0 all checks passed (with --abuse: and both targets met); 1 a
check failed (5xx, lost or duplicated writes, inexact aggregates, unbounded
RSS, an unexpected abusive answer, a target missed); 2 the run could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

import abuse
import run as bench
from payloads import KINDS, RECORD_TRIP, token, trip_input

QUERY_WEIGHTS = {"q1": 3, "q2": 2, "q3": 3, "q4": 2}
WRITE_DRIVERS = 100
RSS_GROWTH_LIMIT = 1.20
DELETE_TRIP = "mutation($id: ID!) { deleteTrip(id: $id) { deletedId userErrors { code } } }"
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


async def client_loop(
    index: int,
    http: httpx.AsyncClient,
    operations: list[Any],
    deadline: float,
    write_share: float,
    tokens: tuple[str, str],
    write_drivers: list[int],
    tally_at: Callable[[], Tally],
    think: float,
) -> None:
    """One benign client; `tally_at` gives the tally of the phase a request starts in."""
    rng = random.Random(index)
    reader, admin = tokens
    names = [op.name for op in operations for _ in range(QUERY_WEIGHTS.get(op.name, 1))]
    by_name = {op.name: op for op in operations}
    while time.monotonic() < deadline:
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        tally = tally_at()
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


async def sample_rss(
    root: int,
    samples: list[tuple[float, int]],
    stop: asyncio.Event,
    origin: float | None = None,
) -> None:
    """RSS every second, timed from `origin` (a time.monotonic(); default: now)."""
    started = time.monotonic() if origin is None else origin
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


@dataclass(frozen=True)
class Setup:
    """What every benign client shares."""

    secret: str
    operations: list[Any]
    write_drivers: list[int]
    dsn: str

    @classmethod
    def make(cls, opts: Any, env: dict[str, str]) -> Setup:
        rng = random.Random(7)
        write_drivers = rng.sample(range(1, opts.drivers + 1), min(WRITE_DRIVERS, opts.drivers))
        db_url = opts.admin_url.set(drivername="postgresql", database=opts.database)
        dsn = db_url.render_as_string(hide_password=False)
        return cls(env["JWT_SECRET"], bench.load_operations(opts), write_drivers, dsn)


def benign_clients(
    args: argparse.Namespace,
    setup: Setup,
    http: httpx.AsyncClient,
    deadline: float,
    tally_at: Callable[[], Tally],
) -> list[Any]:
    secret = setup.secret
    return [
        client_loop(
            i,
            http,
            setup.operations,
            deadline,
            args.write_share,
            (token(secret, f"load-{i}", "reader"), token(secret, f"load-{i}", "admin")),
            setup.write_drivers,
            tally_at,
            args.think,
        )
        for i in range(args.clients)
    ]


async def check_and_clean(
    http: httpx.AsyncClient, setup: Setup, tally: Tally, trips_before: int
) -> tuple[int, list[str], int, list[str], int]:
    """Trips after the run and after cleanup, aggregate mismatches after each, and failed
    deletes (Outcome's order): every recorded trip is deleted through the API."""
    dsn = setup.dsn
    trips_after_run = await trips_count(dsn)
    touched = sorted(tally.touched)
    after_run = await stats_mismatches(dsn, touched) if touched else []
    bench.log(f"deleting the {len(tally.created)} recorded trips through the API")
    admin = token(setup.secret, "load-cleanup", "admin")
    delete_failures = await delete_trips(http, admin, tally.created)
    trips_after_cleanup = await trips_count(dsn)
    after_cleanup = await stats_mismatches(dsn, touched) if touched else []
    return trips_after_run, trips_after_cleanup, after_run, after_cleanup, delete_failures


def http_limits(args: argparse.Namespace) -> httpx.Limits:
    return httpx.Limits(
        max_connections=args.clients,
        max_keepalive_connections=args.clients,
        keepalive_expiry=bench.CLIENT_KEEPALIVE_S,
    )


async def drive(args: argparse.Namespace, opts: Any, server: Any, env: dict[str, str]) -> Outcome:
    setup = Setup.make(opts, env)
    trips_before = await trips_count(setup.dsn)
    tally = Tally()
    async with httpx.AsyncClient(
        base_url=server.base_url, limits=http_limits(args), timeout=60
    ) as http:
        stop = asyncio.Event()
        samples: list[tuple[float, int]] = []
        sampler = asyncio.create_task(sample_rss(server.process.pid, samples, stop))
        started = time.monotonic()
        deadline = started + args.duration
        await asyncio.gather(*benign_clients(args, setup, http, deadline, lambda: tally))
        seconds = time.monotonic() - started
        stop.set()
        await sampler
        bench.log(f"{tally.requests} requests in {seconds:.1f} s; checking the writes")
        checked = await check_and_clean(http, setup, tally, trips_before)
    return Outcome(tally, seconds, samples, trips_before, *checked)


# ---------------------------------------------------------------- the abuse mix (--abuse)


@dataclass
class Phases:
    """The benign clients' tallies by the phase a request starts in: warm-up (not
    reported), baseline (no abuse), abuse."""

    baseline_from: float
    abuse_from: float
    warmup: Tally = field(default_factory=Tally)
    baseline: Tally = field(default_factory=Tally)
    abuse: Tally = field(default_factory=Tally)

    def at(self) -> Tally:
        now = time.monotonic()
        if now < self.baseline_from:
            return self.warmup
        return self.baseline if now < self.abuse_from else self.abuse

    def merged(self, extra: abuse.AbuseTally) -> Tally:
        """Every phase's requests and writes, with the abuse's writes (for the checks)."""
        total = Tally()
        for tally in (self.warmup, self.baseline, self.abuse):
            for name, values in tally.latencies.items():
                total.latencies[name] += values
            total.statuses.update(tally.statuses)
            total.error_codes.update(tally.error_codes)
            total.bad_bodies += tally.bad_bodies
            total.created += tally.created
            total.touched |= tally.touched
        total.created += extra.created
        total.touched |= extra.touched
        return total


@dataclass
class AbuseOutcome:
    outcome: Outcome  # every phase together: writes, cleanup and 5xx checks
    phases: Phases
    mix: abuse.AbuseTally
    config: abuse.AbuseConfig
    rss: list[tuple[float, int]]  # (seconds from the abuse's start, KiB of every process)

    def latencies(self, tally: Tally) -> list[float]:
        return [v for values in tally.latencies.values() for v in values]

    @property
    def p99_ratio(self) -> float:
        without = percentile(self.latencies(self.phases.baseline), 0.99)
        with_abuse = percentile(self.latencies(self.phases.abuse), 0.99)
        return with_abuse / without if without else float("inf")

    def rss_figures(self) -> tuple[int, int, int]:
        """KiB before the abuse (the last sample before it), its peak, and after (its last)."""
        before = [kib for t, kib in self.rss if t <= 0] or [self.rss[0][1]]
        during = [kib for t, kib in self.rss if 0 < t <= self.config.duration] or before
        return before[-1], max(during), during[-1]

    @property
    def rss_growth_bytes(self) -> int:
        before, _, after = self.rss_figures()
        return (after - before) * 1024

    @property
    def mix_clean(self) -> bool:
        server_errors = sum(self.mix.server_errors(cls) for cls in ALL_CLASSES)
        return server_errors == 0 and not self.mix.unexpected and self.mix.xff_throttled > 0

    @property
    def passed(self) -> bool:
        checks = self.outcome.tally.server_errors == 0 and not self.outcome.tally.bad_bodies
        return (
            checks
            and self.outcome.writes_exact
            and self.mix_clean
            and self.p99_ratio <= P99_RATIO_TARGET
            and self.rss_growth_bytes < RSS_GROWTH_TARGET_BYTES
        )


ALL_CLASSES = (*abuse.CLASSES, "6-slow")
P99_RATIO_TARGET = 2.0
RSS_GROWTH_TARGET_BYTES = 50_000_000  # 50 MB over the abuse


def abuse_config(
    args: argparse.Namespace, server: Any, env: dict[str, str], setup: Setup, start: float
) -> abuse.AbuseConfig:
    return abuse.AbuseConfig(
        base_url=server.base_url,
        secret=setup.secret,
        limits=abuse.Limits.from_env(env),
        start=start,
        duration=float(args.duration),
        clients=args.abuse_clients,
        slow_connections=args.slow_connections,
        write_drivers=tuple(setup.write_drivers),
        writes=args.abuse_writes,
        only=tuple(args.abuse_only.split(",")) if args.abuse_only else (),
    )


async def drive_abuse(
    args: argparse.Namespace, opts: Any, server: Any, env: dict[str, str]
) -> AbuseOutcome:
    """Benign clients throughout: warm-up, baseline, then the same clients beside the
    abuse mix, which runs in a process of its own from the baseline's end."""
    setup = Setup.make(opts, env)
    trips_before = await trips_count(setup.dsn)
    now = time.monotonic()
    phases = Phases(now + args.warmup, now + args.warmup + args.baseline)
    config = abuse_config(args, server, env, setup, phases.abuse_from)
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")  # no fork of a process with a running loop
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        mix_future = loop.run_in_executor(pool, abuse.run_abuse, config)
        async with httpx.AsyncClient(
            base_url=server.base_url, limits=http_limits(args), timeout=60
        ) as http:
            stop = asyncio.Event()
            samples: list[tuple[float, int]] = []
            sampler = asyncio.create_task(
                sample_rss(server.process.pid, samples, stop, origin=phases.abuse_from)
            )
            deadline = config.deadline
            await asyncio.gather(*benign_clients(args, setup, http, deadline, phases.at))
            stop.set()
            await sampler
            mix = await mix_future
            bench.log(f"abuse mix: {sum(mix.outcomes.values())} requests; checking the writes")
            tally = phases.merged(mix)
            checked = await check_and_clean(http, setup, tally, trips_before)
    seconds = time.monotonic() - now
    outcome = Outcome(tally, seconds, samples, trips_before, *checked)
    return AbuseOutcome(outcome, phases, mix, config, samples)


def rss_by_minute(result: AbuseOutcome) -> str:
    """RSS at each minute of the abuse: a plateau is a bound reached, a slope a leak."""
    marks: list[str] = []
    for t, kib in result.rss:
        minute = int(t // 60)
        if t > 0 and len(marks) == minute:
            marks.append(f"{minute}: {kib / 1024:.0f}")
    return ", ".join(marks) or "no samples"


def latency_row(label: str, tally: Tally, seconds: float) -> str:
    values = [v for vs in tally.latencies.values() for v in vs]
    if not values:
        return f"| {label} | 0 | | | | |"
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(_by_status(tally).items()))
    return (
        f"| {label} | {len(values):,} | {len(values) / seconds:.1f} | "
        f"{statistics.median(values) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} | "
        f"{statuses} |"
    )


def _by_status(tally: Tally) -> Counter[int]:
    counts: Counter[int] = Counter()
    for (_, status), n in tally.statuses.items():
        counts[status] += n
    return counts


def mix_rows(mix: abuse.AbuseTally) -> list[str]:
    rows = [
        "| class | variant | requests | answers (HTTP status, code) | unexpected | "
        "p50 ms | max ms |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for cls, name in sorted(mix.latencies):
        answers = ", ".join(
            f"{status} {label}: {n:,}"
            for (c, v, status, label), n in sorted(mix.outcomes.items())
            if (c, v) == (cls, name)
        )
        values = mix.latencies[(cls, name)]
        rows.append(
            f"| {cls} | {name} | {len(values):,} | {answers} | "
            f"{mix.unexpected[(cls, name)]} | {abuse.median_ms(values):.0f} | "
            f"{max(values) * 1000:.0f} |"
        )
    return rows


def class_summary(mix: abuse.AbuseTally) -> str:
    return "; ".join(
        f"{cls} {mix.requests(cls):,} requests, 5xx {mix.server_errors(cls)}, unexpected "
        f"{sum(n for (c, _), n in mix.unexpected.items() if c == cls)}"
        for cls in ALL_CLASSES
        if mix.requests(cls)
    )


def abuse_report(args: argparse.Namespace, opts: Any, result: AbuseOutcome, load: str) -> str:
    outcome, phases, mix = result.outcome, result.phases, result.mix
    before, peak, after = result.rss_figures()
    growth = result.rss_growth_bytes
    base_values = result.latencies(phases.baseline)
    abuse_values = result.latencies(phases.abuse)
    lines = [
        f"## Abuse mix {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} "
        f"({'targets met' if result.passed else 'NOT PASSED'})",
        "",
        f"- Command: `.venv/bin/python bench/load_test.py {' '.join(args.argv)}`".rstrip()
        + f", commit {bench._git()}",
        f"- Data: {opts.database} ({opts.drivers:,} drivers x {opts.trips_per_driver} trips); "
        f"server `fleetgraph serve --workers {args.workers}`, ENVIRONMENT=production, "
        "no Redis, no response cache, rate limiter on, every other limit at its default",
        f"- Benign: {args.clients} clients (own API key each), one request at a time, "
        f"Q1-Q4 + recordTrip ({args.write_share:g}), through {args.warmup} s warm-up "
        f"(not counted), {args.baseline} s baseline, then {args.duration} s beside the abuse",
        f"- Abuse (bench/abuse.py, its own process): {args.abuse_clients} closed-loop clients "
        f"cycling through classes 1-5{' and 7' if args.abuse_writes else ''}, anonymous from "
        f"their own loopback addresses (one per class), plus {args.slow_connections} slow "
        "connections (class 6) held at a time",
        f"- Machine: {bench._cpu()}, {os.cpu_count()} cores shared by the server, PostgreSQL "
        f"and both load generators; load average before: {load}, after: {bench.loadavg()}",
        "",
        "| benign requests | requests | req/s | p50 ms | p99 ms | statuses |",
        "|---|---:|---:|---:|---:|---|",
        latency_row("without abuse (baseline)", phases.baseline, args.baseline),
        latency_row("with abuse", phases.abuse, args.duration),
        "",
        f"- **p99 with abuse / without: {result.p99_ratio:.2f}** (target <= "
        f"{P99_RATIO_TARGET:g}); p50 {abuse.median_ms(abuse_values):.0f} ms vs "
        f"{abuse.median_ms(base_values):.0f} ms",
        f"- **RSS of the serving processes** (sampled every second): before the abuse "
        f"{before / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, after {after / 1024:.1f} MiB: "
        f"**growth {growth / 1e6:+.1f} MB** (target < {RSS_GROWTH_TARGET_BYTES / 1e6:.0f} MB); "
        f"MiB by minute of abuse: {rss_by_minute(result)}",
        f"- Benign 5xx: **{outcome.tally.server_errors}**; malformed or data-less 200s: "
        f"{len(outcome.tally.bad_bodies)}; writes exact and cleaned up: "
        f"{'yes' if outcome.writes_exact else 'NO'} ({len(outcome.tally.created)} trips)",
        f"- Trips {outcome.trips_before:,} -> {outcome.trips_after_run:,} after the run -> "
        f"{outcome.trips_after_cleanup:,} after cleanup; aggregates exact: "
        f"{not outcome.mismatches_after_run and not outcome.mismatches_after_cleanup}; "
        f"failed deletes: {outcome.delete_failures}",
        f"- Abuse per class: {class_summary(mix)}",
        f"- X-Forwarded-For spoofing: {mix.xff_throttled:,} bursts of "
        f"{abuse.XFF_BURST} requests at the cost limit throttled, each with a new address in "
        "the header (it does not choose the bucket)",
        "",
        *mix_rows(mix),
    ]
    if outcome.tally.bad_bodies:
        lines += ["", f"- First benign problems: {outcome.tally.bad_bodies[:5]}"]
    if mix.examples:
        lines += ["", f"- First unexpected answers: {mix.examples[:5]}"]
    return "\n".join(lines) + "\n"


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
    parser.add_argument(
        "--duration", type=int, help="seconds of load (60; with --abuse: of abuse, 600)"
    )
    parser.add_argument("--clients", type=int, help="benign clients (200; with --abuse: 50)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a client waits between requests"
    )
    parser.add_argument("--drivers", type=int, default=bench.FULL_DRIVERS)
    parser.add_argument("--trips-per-driver", type=int, default=bench.FULL_TRIPS_PER_DRIVER)
    parser.add_argument("--results", type=Path, help="report file (default as bench/run.py)")
    abuse_options = parser.add_argument_group("the abuse mix (bench/abuse.py)")
    abuse_options.add_argument(
        "--abuse", action="store_true", help="benign clients alone, then beside the abuse mix"
    )
    abuse_options.add_argument("--baseline", type=int, default=60, help="seconds without abuse")
    abuse_options.add_argument("--warmup", type=int, default=10, help="seconds not measured")
    abuse_options.add_argument("--abuse-clients", type=int, default=10)
    abuse_options.add_argument(
        "--slow-connections", type=int, default=12, help="slow connections held at a time"
    )
    abuse_options.add_argument(
        "--no-abuse-writes",
        dest="abuse_writes",
        action="store_false",
        help="leave out class 7 (recordTrip retried with one externalId, an admin token)",
    )
    abuse_options.add_argument(
        "--abuse-only", metavar="NAMES", help="comma-separated variants or classes to run"
    )
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 600 if args.abuse else 60
    if args.clients is None:
        args.clients = 50 if args.abuse else 200
    args.argv = argv
    return args


def serve_command(args: argparse.Namespace, port: int) -> list[str]:
    return [
        str(bench.VENV_BIN / "fleetgraph"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = ["--drivers", str(args.drivers), "--trips-per-driver", str(args.trips_per_driver)]
    opts = bench.parse_options(scale + (["--results", str(args.results)] if args.results else []))
    try:
        bench.prepare_database(opts)
        env = bench.api_env(opts)
        env["RATE_LIMIT_ENABLED"] = "true"  # the per-client buckets are part of what is tested
        port = bench.free_port()
        load_before = bench.loadavg()
        with bench.serving("load-test", serve_command(args, port), env, port) as server:
            if args.abuse:
                result = asyncio.run(drive_abuse(args, opts, server, env))
            else:
                outcome = asyncio.run(drive(args, opts, server, env))
    except bench.BenchError as exc:
        print(f"load test: {exc}", file=sys.stderr)
        return 2
    if args.abuse:
        section, passed = abuse_report(args, opts, result, load_before), result.passed
    else:
        section, passed = report(args, opts, outcome, load_before), outcome.passed
    print(section)
    bench.append_report(opts.results, section)
    bench.log(f"appended to {opts.results}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
