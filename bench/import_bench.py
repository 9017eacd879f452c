"""Bulk import throughput, and what it does to reads (issue 21).

    .venv/bin/python bench/import_bench.py --record          # the acceptance run (below)
    .venv/bin/python bench/import_bench.py --trips 2000 \\
        --drivers 200 --trips-per-driver 10 --idle-seconds 3  # a smoke run

The acceptance line: 1,000,000 trips with about 3,000,000 events from NDJSON,
imported end to end into the benchmark database (10,000 drivers x 100
trips) at 30,000 trips/s or more, with the benign read p99 during the import
at most twice its idle value.

What one run does:

1. The database, seeded or reused exactly as bench/run.py does it.
2. An NDJSON file of `--trips` trips (`--events` events each) of existing
   drivers (by email), in the season that holds now, written as a stream
   (bounded memory at any size), keys `ib-<run>-<n>`.
3. `fleetgraph serve` (bench/run.py's production environment, no import
   workers), and `--readers` clients reading Q1 (bench/queries/q1.graphql)
   one request at a time: for `--idle-seconds` with nothing else running
   (the idle p99), then while `fleetgraph import trips FILE` (a process of
   its own, its own pool) imports the file (the p99 during the import).
4. Checks: the job SUCCEEDED, imported every trip, the run's trips and
   events are all in the tables, and the touched drivers'
   driver_season_stats equal a recomputation from the raw tables.
5. Unless `--keep`: the run's trips are deleted, the touched drivers'
   aggregates rebuilt and their risk scores refreshed, so the data is
   left as it was found.
6. With `--record`, a dated section is appended to bench/RESULTS.md (other
   scales: bench/out/RESULTS-dev.md, or --results).

Exit status: 0 the acceptance line holds; 1 it does not or a check failed;
2 the run could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import orjson
import run as bench

sys.path.insert(0, str(bench.ROOT))  # the project's own modules, for the clean-up

TARGET_TRIPS_PER_S = 30_000
TARGET_P99_RATIO = 2.0
KINDS = ("HARSH_BRAKING", "RAPID_ACCELERATION", "SPEEDING", "SHARP_TURN", "PHONE_USE")
# The CLI's summary line; its own "in N s (R trips/s)" leaves out the process's start-up.
SUMMARY = re.compile(r"import job \d+: (\w+): read ([\d,]+), imported ([\d,]+)[^\n]*")


@dataclass
class Reads:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000 if ordered else 0.0


@dataclass
class Outcome:
    trips: int
    events: int
    file_bytes: int
    seconds: float
    status: str
    imported: int
    idle: Reads
    during: Reads
    stored_trips: int
    stored_events: int
    stats_exact: bool
    summary: str

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float:
        idle = self.idle.p(0.99)
        return self.during.p(0.99) / idle if idle else float("inf")

    @property
    def checks_pass(self) -> bool:
        complete = self.imported == self.trips == self.stored_trips
        return self.status == "SUCCEEDED" and complete and self.stats_exact

    @property
    def passed(self) -> bool:
        targets = self.rate >= TARGET_TRIPS_PER_S and self.ratio <= TARGET_P99_RATIO
        return self.checks_pass and targets


def _dsn(opts: bench.Options) -> str:
    return opts.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _drivers_and_season(dsn: str) -> tuple[list[str], datetime, datetime]:
    conn = await asyncpg.connect(dsn)
    try:
        emails = [row["email"] for row in await conn.fetch("SELECT email FROM drivers")]
        season = await conn.fetchrow(
            "SELECT starts_at, ends_at FROM seasons WHERE starts_at <= now() AND ends_at > now()"
        ) or await conn.fetchrow("SELECT starts_at, ends_at FROM seasons ORDER BY ends_at DESC")
    finally:
        await conn.close()
    if not emails or season is None:
        raise bench.BenchError("the database has no drivers or no seasons")
    return emails, season["starts_at"], season["ends_at"]


def write_file(
    path: Path,
    run_id: str,
    trips: int,
    events: int,
    emails: list[str],
    window: tuple[datetime, datetime],
) -> int:
    """The NDJSON file, streamed; the number of events in it."""
    rng = random.Random(21)
    start, end = window
    span = max(int((min(end, datetime.now(UTC)) - start).total_seconds()) - 3600, 3600)
    written = 0
    with path.open("wb") as out:
        for n in range(trips):
            began = start + timedelta(seconds=rng.randrange(span))
            minutes = rng.randint(5, 90)
            trip = {
                "externalId": f"ib-{run_id}-{n}",
                "driverEmail": emails[rng.randrange(len(emails))],
                "startedAt": began.isoformat(),
                "endedAt": (began + timedelta(minutes=minutes)).isoformat(),
                "distanceKm": round(rng.uniform(1.0, 120.0), 2),
                "safetyScore": rng.randint(40, 100),
                "safetyEvents": [
                    {
                        "kind": rng.choice(KINDS),
                        "severity": rng.randint(1, 5),
                        "occurredAt": (
                            began + timedelta(seconds=rng.randrange(minutes * 60))
                        ).isoformat(),
                    }
                    for _ in range(events)
                ],
            }
            out.write(orjson.dumps(trip) + b"\n")
            written += events
    return written


async def read_until(base_url: str, q1: str, readers: int, done: asyncio.Event) -> Reads:
    reads = Reads()

    async def one(http: httpx.AsyncClient) -> None:
        while not done.is_set():
            began = time.perf_counter()
            try:
                response = await http.post("/graphql", json={"query": q1})
                ok = response.status_code == 200 and "errors" not in response.json()
            except httpx.HTTPError:
                ok = False
            if ok:
                reads.latencies.append(time.perf_counter() - began)
            else:
                reads.errors += 1

    limits = httpx.Limits(keepalive_expiry=bench.CLIENT_KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
        await asyncio.gather(*(one(http) for _ in range(readers)))
    return reads


async def _idle(base_url: str, q1: str, readers: int, seconds: float) -> Reads:
    done = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, done.set)
    return await read_until(base_url, q1, readers, done)


async def _during(
    base_url: str, q1: str, readers: int, command: list[str], env: dict[str, str]
) -> tuple[Reads, float, int, str]:
    """Reads while the import process runs: (reads, its seconds, exit status, stderr)."""
    done = asyncio.Event()
    reading = asyncio.create_task(read_until(base_url, q1, readers, done))
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=bench.ROOT, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    seconds = time.perf_counter() - began
    done.set()
    return await reading, seconds, process.returncode or 0, stderr.decode(errors="replace")


async def _stored(dsn: str, run_id: str) -> tuple[int, int, list[int]]:
    conn = await asyncpg.connect(dsn)
    try:
        like = f"ib-{run_id}-%"
        trips = await conn.fetchval("SELECT COUNT(*) FROM trips WHERE external_id LIKE $1", like)
        events = await conn.fetchval(
            "SELECT COUNT(*) FROM safety_events e JOIN trips t ON t.id = e.trip_id "
            "WHERE t.external_id LIKE $1",
            like,
        )
        touched = await conn.fetch(
            "SELECT DISTINCT driver_id FROM trips WHERE external_id LIKE $1", like
        )
    finally:
        await conn.close()
    return trips, events, [row["driver_id"] for row in touched]


_RECOMPUTED = (
    """
WITH t AS (
  SELECT s.id AS season_id, t.driver_id, COUNT(*) AS trips, SUM(t.distance_km) AS distance_km,
         SUM(t.safety_score * t.distance_km) AS score_distance
  FROM trips t JOIN seasons s ON s.starts_at <= t.started_at AND t.started_at < s.ends_at
  WHERE t.driver_id = ANY($1) GROUP BY 1, 2),
e AS (
  SELECT s.id AS season_id, t.driver_id, e.kind, COUNT(*) AS n
  FROM safety_events e JOIN trips t ON t.id = e.trip_id
  JOIN seasons s ON s.starts_at <= t.started_at AND t.started_at < s.ends_at
  WHERE t.driver_id = ANY($1) GROUP BY 1, 2, 3)
SELECT t.season_id, t.driver_id, t.trips, t.distance_km, t.score_distance,
  COALESCE(SUM(e.n), 0) AS safety_events,
  """
    + ",\n  ".join(
        f"COALESCE(SUM(e.n) FILTER (WHERE e.kind = '{kind}'), 0) AS {kind.lower()}"
        for kind in KINDS
    )
    + """
FROM t LEFT JOIN e USING (season_id, driver_id)
GROUP BY t.season_id, t.driver_id, t.trips, t.distance_km, t.score_distance
"""
)
_COLUMNS = ("trips", "safety_events", *(kind.lower() for kind in KINDS))


async def stats_exact(dsn: str, drivers: list[int]) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        want = {(r["season_id"], r["driver_id"]): r for r in await conn.fetch(_RECOMPUTED, drivers)}
        rows = await conn.fetch(
            "SELECT * FROM driver_season_stats WHERE driver_id = ANY($1)", drivers
        )
    finally:
        await conn.close()
    got = {(r["season_id"], r["driver_id"]): r for r in rows}
    if got.keys() != want.keys():
        return False
    for key, expected in want.items():
        found = got[key]
        if any(found[c] != expected[c] for c in _COLUMNS):
            return False
        for column in ("distance_km", "score_distance"):
            if abs(found[column] - expected[column]) > 1e-6 * max(abs(expected[column]), 1.0):
                return False
    return True


async def clean_up(opts: bench.Options, run_id: str, drivers: list[int]) -> None:
    """Delete the run's trips, rebuild the touched drivers' aggregates and risk scores."""
    from sqlalchemy import text

    from db import create_engine
    from writes.risk import refresh_risk_scores

    engine = create_engine(opts.database_url, pool_size=1)
    insert = f"""
INSERT INTO driver_season_stats (season_id, driver_id, trips, distance_km, score_distance,
  safety_events, {", ".join(kind.lower() for kind in KINDS)}, safety_score, events_per_100km)
SELECT season_id, driver_id, trips, distance_km, score_distance, safety_events,
  {", ".join(kind.lower() for kind in KINDS)}, score_distance / distance_km,
  safety_events * 100.0 / distance_km
FROM ({_RECOMPUTED.replace("$1", "CAST(:ids AS integer[])")}) AS r
"""
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM trips WHERE external_id LIKE :like"), {"like": f"ib-{run_id}-%"}
            )
            ids = {"ids": drivers}
            await conn.execute(
                text(
                    "DELETE FROM driver_season_stats WHERE driver_id = ANY(CAST(:ids AS integer[]))"
                ),
                ids,
            )
            await conn.execute(text(insert), ids)
            await refresh_risk_scores(conn, drivers)
    finally:
        await engine.dispose()


def report(args: argparse.Namespace, opts: bench.Options, outcome: Outcome, load: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    verdict = "PASS" if outcome.passed else "FAIL"
    idle, during = outcome.idle, outcome.during
    rows = [
        (
            "trips / events in the file",
            f"{outcome.trips:,} / {outcome.events:,} ({outcome.file_bytes / 1e6:,.1f} MB)",
            "1,000,000 / ~3,000,000",
        ),
        (
            "import, end to end (`fleetgraph import trips`)",
            f"{outcome.seconds:,.1f} s, **{outcome.rate:,.0f} trips/s**",
            f">= {TARGET_TRIPS_PER_S:,} trips/s",
        ),
        ("job", f"{outcome.status}, {outcome.imported:,} imported", "SUCCEEDED, all"),
        (
            "stored after",
            f"{outcome.stored_trips:,} trips, {outcome.stored_events:,} events; "
            f"aggregates exact: {outcome.stats_exact}",
            "all, exact",
        ),
        (
            f"Q1 idle ({args.readers} readers, {len(idle.latencies):,} reads, "
            f"{idle.errors} errors)",
            f"p50 {idle.p(0.5):.1f} ms, p99 {idle.p(0.99):.1f} ms",
            "",
        ),
        (
            f"Q1 during the import ({len(during.latencies):,} reads, {during.errors} errors)",
            f"p50 {during.p(0.5):.1f} ms, p99 {during.p(0.99):.1f} ms, "
            f"**{outcome.ratio:.2f}x idle**",
            f"<= {TARGET_P99_RATIO:g}x",
        ),
    ]
    table = "\n".join(f"| {name} | {value} | {target} |" for name, value, target in rows)
    return (
        f"## Bulk import: {outcome.trips:,} trips from NDJSON, {when} ({verdict})\n\n"
        f"Commit {bench._git()}; database {opts.database} ({opts.drivers:,} drivers x "
        f"{opts.trips_per_driver} trips); `bench/import_bench.py {' '.join(sys.argv[1:])}`; "
        f"load average before: {load}.\n\n| | value | target |\n|---|---|---|\n{table}\n\n"
        f"The import's summary: `{outcome.summary}`\n"
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/import_bench.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=3, help="safety events per trip")
    parser.add_argument("--readers", type=int, default=8, help="concurrent Q1 clients")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--batch-rows", type=int, default=10_000)
    parser.add_argument("--drivers", type=int, default=bench.FULL_DRIVERS)
    parser.add_argument("--trips-per-driver", type=int, default=bench.FULL_TRIPS_PER_DRIVER)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--record", action="store_true", help="append the section to the results")
    parser.add_argument("--keep", action="store_true", help="leave the imported trips in place")
    return parser.parse_args(argv)


async def drive(
    args: argparse.Namespace, opts: bench.Options, file: Path, base_url: str
) -> tuple[Reads, Reads, float, int, str]:
    q1 = (bench.BENCH / "queries" / "q1.graphql").read_text()
    idle = await _idle(base_url, q1, args.readers, args.idle_seconds)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPORT_", "REDIS_"))}
    env.update(
        DATABASE_URL=opts.database_url, IMPORT_BATCH_ROWS=str(args.batch_rows), LOG_LEVEL="warning"
    )
    command = [str(bench.VENV_BIN / "fleetgraph"), "import", "trips", str(file), "--no-progress"]
    during, seconds, status, stderr = await _during(base_url, q1, args.readers, command, env)
    return idle, during, seconds, status, stderr


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scale = ["--drivers", str(args.drivers), "--trips-per-driver", str(args.trips_per_driver)]
    opts = bench.parse_options(scale + (["--results", str(args.results)] if args.results else []))
    run_id = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="fleetgraph-import-bench-") as directory:
        file = Path(directory) / "trips.ndjson"
        try:
            bench.prepare_database(opts)
            dsn = _dsn(opts)
            emails, starts, ends = asyncio.run(_drivers_and_season(dsn))
            bench.log(f"writing {args.trips:,} trips to {file}")
            events = write_file(file, run_id, args.trips, args.events, emails, (starts, ends))
            env = bench.api_env(opts)
            env["IMPORT_WORKERS"] = "0"
            port = bench.free_port()
            command = [
                str(bench.VENV_BIN / "fleetgraph"),
                "serve",
                "--host=127.0.0.1",
                f"--port={port}",
            ]
            load = bench.loadavg()
            with bench.serving("import-bench", command, env, port) as server:
                idle, during, seconds, status, stderr = asyncio.run(
                    drive(args, opts, file, server.base_url)
                )
        except bench.BenchError as exc:
            print(f"import bench: {exc}", file=sys.stderr)
            return 2
        found = SUMMARY.search(stderr)
        if status != 0 or found is None:
            print(
                f"import bench: the import failed (exit {status}):\n{stderr[-2000:]}",
                file=sys.stderr,
            )
            return 1
        stored_trips, stored_events, touched = asyncio.run(_stored(dsn, run_id))
        outcome = Outcome(
            trips=args.trips,
            events=events,
            file_bytes=file.stat().st_size,
            seconds=seconds,
            status=found.group(1),
            imported=int(found.group(3).replace(",", "")),
            idle=idle,
            during=during,
            stored_trips=stored_trips,
            stored_events=stored_events,
            stats_exact=asyncio.run(stats_exact(dsn, touched)),
            summary=found.group(0),
        )
    if not args.keep:
        bench.log(
            f"deleting the run's {stored_trips:,} trips and rebuilding their drivers' aggregates"
        )
        asyncio.run(clean_up(opts, run_id, touched))
    section = report(args, opts, outcome, load)
    print(section)
    if args.record:
        bench.append_report(opts.results, section)
        bench.log(f"appended to {opts.results}")
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
