"""Read-API benchmark: four GraphQL operations against a bare-Starlette ceiling.

    make bench                      # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --queries q1,q3 --duration 5
    .venv/bin/python bench/run.py --drivers 500 --trips-per-driver 20   # dev scale

What one run does (see issue 3, "Benchmark"):

1. Benchmark data in PostgreSQL, loaded once: database `fleetgraph_bench`
   (10,000 drivers x 100 trips, seed 42), then VACUUM ANALYZE. A database
   comment records what was seeded and at which migration revision; a later
   run migrates and reuses the database when the comment, the row counts and
   the revision still match (and the active season has trips), and reloads it
   otherwise. Other scales get their own database
   (`fleetgraph_bench_<D>x<T>`), never that one.
2. The ceiling: bench/ceiling_app.py (bare Starlette on uvicorn, uvloop +
   httptools, 1 worker, no access log) answering POST /graphql with a fixed
   5 KB JSON body, driven by wrk like the operations; measured before and
   after the API, the higher figure is the reference.
3. The API: `fleetgraph serve --workers 1` with production settings
   (ENVIRONMENT=production, a random JWT_SECRET, LOG_LEVEL=warning, no
   REDIS_URL: no response cache). Per operation (bench/queries/qN.graphql):
   checked requests (HTTP 200, data, no errors, expected shape), SQL
   statements per request from /metrics over sequential requests, a wrk
   warm-up, then the measured wrk run (2 threads, 16 connections, 15 s, every
   response checked by bench/lua/graphql.lua). Q3 picks one of 2,000 random
   driver ids per request.
4. A dated section appended to bench/RESULTS.md: req/s, p50/p99, statements
   per request, ratio to the ceiling against the issue's floors, server RSS.
   Dev scales, and runs disturbed by other processes (they used >= 10% of the
   CPU during a measured run: the machine has 2 cores), go to
   bench/out/RESULTS-dev.md instead, unless --results is given.

Before each load the script waits (up to --max-wait-quiet seconds) for other
processes to go quiet, and it measures their CPU share during each run.

With --targets (e.g. postgraphile,reference,planned), bench/compare.py runs
instead: the planner against PostGraphile v5 on the same data (issue 4).

Exit status: 0 every floor met; 1 a floor not met; 2 invalid run (a request
failed or returned GraphQL errors, a tool or the database is missing: no
report written); 3 inconclusive (disturbed run); 130 interrupted. Servers and
wrk are stopped (whole process groups) however the script ends.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# The API servers run as in production, where /metrics asks for a bearer token.
METRICS_TOKEN = secrets.token_urlsafe(24)
OUT = BENCH / "out"
QUERIES = BENCH / "queries"
LUA_TEMPLATE = BENCH / "lua" / "graphql.lua"
RESULTS = BENCH / "RESULTS.md"
DEV_RESULTS = OUT / "RESULTS-dev.md"
VENV_BIN = ROOT / ".venv" / "bin"

FULL_DRIVERS = 10_000
FULL_TRIPS_PER_DRIVER = 100
SEED = 42
DEFAULT_DATABASE = "fleetgraph_bench"
DATABASE_PREFIX = "fleetgraph_bench"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
MARKER = "fleetgraph-bench"

# Minimum req/s as a ratio to the same run's ceiling (issue 3).
FLOORS = {"q1": 0.013, "q2": 0.0023, "q3": 0.032, "q4": 0.016}
OPERATIONS = tuple(FLOORS)
RANDOM_IDS = 2_000
ID_SAMPLE_SEED = 20_240_3  # fixed, so every run draws the same driver ids
STATEMENT_SAMPLES = 50
ID_PLACEHOLDER = "__DRIVER_ID__"
HEALTH_TIMEOUT_S = 60.0
QUIET_SHARE = 0.10  # other processes' CPU share above which a run is flagged as disturbed
# Python clients drop a connection idle this long: below the server's keep-alive timeout
# (KEEP_ALIVE_TIMEOUT_SECONDS, 5 s), so they never reuse one the server is closing at that
# moment (httpx's default is 5 s too: the race surfaced as rare ReadError('') in load tests).
CLIENT_KEEPALIVE_S = 2.0
WRK_TIMEOUT = "30s"  # far above any expected latency: a slow request is measured, not dropped


class BenchError(Exception):
    """The run cannot produce valid figures; printed as one line, exit status 2."""


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    drivers: int
    trips_per_driver: int
    queries: tuple[str, ...]
    database: str
    admin_url: URL
    skip_seed: bool
    reseed: bool
    max_wait_quiet: float
    results: Path
    results_given: bool
    argv: tuple[str, ...]
    targets: tuple[str, ...] = ()  # --targets: the comparison run (bench/compare.py)
    rounds: int = 1  # --rounds: the comparison's alternating rounds (median kept)

    @property
    def full_scale(self) -> bool:
        return self.drivers == FULL_DRIVERS and self.trips_per_driver == FULL_TRIPS_PER_DRIVER

    @property
    def database_url(self) -> str:
        url = self.admin_url.set(drivername="postgresql+asyncpg", database=self.database)
        return url.render_as_string(hide_password=False)


def _queries(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FLOORS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated subset of {','.join(OPERATIONS)}, got {text!r}"
        )
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--duration", type=_positive, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per operation")
    parser.add_argument("--connections", type=_positive, default=16)
    parser.add_argument("--threads", type=_positive, default=2, help="wrk threads")
    parser.add_argument("--queries", type=_queries, default=OPERATIONS, help="e.g. q1,q3")
    parser.add_argument(
        "--drivers", type=_positive, default=FULL_DRIVERS, help="dev only: a smaller scale"
    )
    parser.add_argument(
        "--trips-per-driver", type=_positive, default=FULL_TRIPS_PER_DRIVER, help="dev only"
    )
    parser.add_argument(
        "--database",
        help="database name (default: fleetgraph_bench at benchmark scale, "
        "fleetgraph_bench_<D>x<T> otherwise); must start with fleetgraph_bench",
    )
    parser.add_argument(
        "--skip-seed", action="store_true", help="use the database as it is: no check, no seed"
    )
    parser.add_argument("--reseed", action="store_true", help="drop and reload the data")
    parser.add_argument(
        "--max-wait-quiet",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="before each load, wait up to this long for other processes to go quiet",
    )
    parser.add_argument(
        "--results", type=Path, help="report file (default: bench/RESULTS.md at benchmark scale)"
    )
    from compare import TARGETS, parse_targets  # lazy: compare imports this module

    parser.add_argument(
        "--targets",
        type=parse_targets,
        default=(),
        help=f"compare servers instead: a subset of {','.join(TARGETS)} (bench/compare.py)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --targets: measure each operation N times, the targets alternating "
        "(their order reversed every other round), and keep each target's median round",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")
    if args.threads > args.connections:
        parser.error("--threads must not exceed --connections")
    if args.skip_seed and args.reseed:
        parser.error("--skip-seed and --reseed exclude each other")
    full = args.drivers == FULL_DRIVERS and args.trips_per_driver == FULL_TRIPS_PER_DRIVER
    database = args.database or (
        DEFAULT_DATABASE if full else f"{DATABASE_PREFIX}_{args.drivers}x{args.trips_per_driver}"
    )
    if not re.fullmatch(rf"{DATABASE_PREFIX}\w*", database):
        parser.error(f"--database must match {DATABASE_PREFIX}[A-Za-z0-9_]*: it may be dropped")
    if not full and database == DEFAULT_DATABASE:
        parser.error(f"{DEFAULT_DATABASE} holds the benchmark scale only")
    admin_url = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_ADMIN_URL))
    return Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        drivers=args.drivers,
        trips_per_driver=args.trips_per_driver,
        queries=args.queries,
        database=database,
        admin_url=admin_url,
        skip_seed=args.skip_seed,
        reseed=args.reseed,
        max_wait_quiet=args.max_wait_quiet,
        results=args.results or (RESULTS if full else DEV_RESULTS),
        results_given=args.results is not None,
        argv=tuple(argv),
        targets=args.targets,
        rounds=args.rounds,
    )


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- database


@dataclass(frozen=True)
class Dataset:
    drivers: int
    trips: int
    safety_events: int
    seeded_at: str
    revision: str
    seed_seconds: float | None  # set when this run loaded the data
    note: str


async def _connect(url: URL, database: str) -> Any:
    return await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=database,
    )


async def _admin(url: URL, *statements: str) -> list[Any]:
    conn = await _connect(url, url.database or "postgres")
    try:
        return [await conn.fetch(statement) for statement in statements]
    finally:
        await conn.close()


def _marker(opts: Options) -> dict[str, str]:
    return {
        "drivers": str(opts.drivers),
        "trips_per_driver": str(opts.trips_per_driver),
        "seed": str(SEED),
    }


def _parse_marker(comment: str | None) -> dict[str, str] | None:
    if not comment or not comment.startswith(MARKER + " "):
        return None
    return dict(part.split("=", 1) for part in comment.split()[1:] if "=" in part)


async def _database_comment(opts: Options) -> tuple[bool, str | None]:
    (rows,) = await _admin(
        opts.admin_url,
        "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database "
        f"WHERE datname = '{opts.database}'",
    )
    if not rows:
        return False, None
    return True, rows[0]["comment"]


async def _inspect(opts: Options) -> dict[str, Any]:
    """Row counts, alembic revision and whether the active season has trips."""
    conn = await _connect(opts.admin_url, opts.database)
    try:
        facts: dict[str, Any] = {}
        facts["drivers"] = await conn.fetchval("SELECT count(*) FROM drivers")
        facts["trips"] = await conn.fetchval("SELECT count(*) FROM trips")
        facts["safety_events"] = await conn.fetchval("SELECT count(*) FROM safety_events")
        facts["revision"] = await conn.fetchval("SELECT version_num FROM alembic_version")
        facts["active_season_has_trips"] = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM trips WHERE started_at >= ("
            " SELECT starts_at FROM seasons WHERE starts_at <= now() AND ends_at > now()"
            " ORDER BY starts_at DESC LIMIT 1))"
        )
        facts["server_version"] = await conn.fetchval("SHOW server_version")
        return facts
    finally:
        await conn.close()


def _fleetgraph(opts: Options, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": opts.database_url, "LOG_LEVEL": "warning"}
    command = [str(VENV_BIN / "fleetgraph"), *args]
    log("$ " + shlex.join(["fleetgraph", *args]))
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise BenchError(f"`fleetgraph {' '.join(args)}` failed (exit {result.returncode})")


def _load(opts: Options, reason: str) -> float:
    """Drop, create, migrate and seed the database; returns the seed's seconds."""
    log(f"loading {opts.database}: {reason}")
    quoted = f'"{opts.database}"'
    asyncio.run(
        _admin(
            opts.admin_url,
            f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)",
            f"CREATE DATABASE {quoted}",
        )
    )
    _fleetgraph(opts, "migrate")
    started = time.perf_counter()
    _fleetgraph(
        opts,
        "seed",
        "--drivers",
        str(opts.drivers),
        "--trips-per-driver",
        str(opts.trips_per_driver),
        "--seed",
        str(SEED),
        "--no-progress",
    )
    seconds = time.perf_counter() - started
    log(f"seeded in {seconds:.1f} s; VACUUM ANALYZE (stable plans, no autovacuum mid-run)")
    asyncio.run(_vacuum(opts))
    facts = asyncio.run(_inspect(opts))
    marker = {
        **_marker(opts),
        "revision": str(facts["revision"]),
        "seeded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "seed_seconds": f"{seconds:.1f}",
    }
    comment = MARKER + " " + " ".join(f"{key}={value}" for key, value in marker.items())
    asyncio.run(_admin(opts.admin_url, f"COMMENT ON DATABASE {quoted} IS '{comment}'"))
    return seconds


async def _vacuum(opts: Options) -> None:
    conn = await _connect(opts.admin_url, opts.database)
    try:
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


def prepare_database(opts: Options) -> Dataset:
    exists, comment = asyncio.run(_database_comment(opts))
    seed_seconds: float | None = None
    note = ""
    if opts.skip_seed:
        if not exists:
            raise BenchError(f"--skip-seed: database {opts.database} does not exist")
        note = "used as is (--skip-seed)"
    else:
        marker = _parse_marker(comment)
        reason = ""
        if opts.reseed:
            reason = "--reseed"
        elif not exists:
            reason = "no such database"
        elif marker is None:
            reason = "no benchmark marker (never seeded completely)"
        elif any(marker.get(key) != value for key, value in _marker(opts).items()):
            reason = f"holds another data set ({comment})"
        if not reason:
            assert marker is not None
            _fleetgraph(opts, "migrate")
            facts = asyncio.run(_inspect(opts))
            expected_trips = opts.drivers * opts.trips_per_driver
            if facts["revision"] != marker.get("revision"):
                reason = (
                    f"schema moved from {marker.get('revision')} to {facts['revision']} "
                    "since the seed"
                )
            elif facts["drivers"] != opts.drivers or facts["trips"] != expected_trips:
                reason = f"row counts differ ({facts['drivers']} drivers, {facts['trips']} trips)"
            elif not facts["active_season_has_trips"]:
                reason = "the active season has no trips (seeded in an earlier quarter)"
        if reason:
            seed_seconds = _load(opts, reason)
            note = f"loaded by this run ({reason}); seed {seed_seconds:.1f} s"
        else:
            log(f"reusing {opts.database} ({comment})")
            note = "reused from an earlier run"
        _, comment = asyncio.run(_database_comment(opts))
    facts = asyncio.run(_inspect(opts))
    marker = _parse_marker(comment) or {}
    return Dataset(
        drivers=int(facts["drivers"]),
        trips=int(facts["trips"]),
        safety_events=int(facts["safety_events"]),
        seeded_at=marker.get("seeded_at", "unknown"),
        revision=str(facts["revision"]),
        seed_seconds=seed_seconds,
        note=note + f"; PostgreSQL {facts['server_version']}",
    )


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http(
    url: str,
    body: bytes | None = None,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if body is not None:
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-15:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)  # the whole group: uvicorn and any worker it forked
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def serving(name: str, command: Sequence[str], env: dict[str, str], port: int) -> Iterator[Server]:
    OUT.mkdir(parents=True, exist_ok=True)
    log_path = OUT / f"{name}.log"
    log(f"starting {name} on port {port}")
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise BenchError(f"{name} exited with {process.returncode}:\n{server.tail()}")
            try:
                status, _ = http(server.base_url + "/health", timeout=2.0)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"{name} not healthy after {HEALTH_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def serving_pid(root: int) -> int:
    """The process that runs the app. uvicorn runs a single worker in-process,
    but if the command forked (a worker, a wrapper), the descendant with the
    largest RSS is the one serving."""
    return max([root, *_descendants(root)], key=lambda pid: _status_kib(pid, "VmRSS"))


# ---------------------------------------------------------------- operations


@dataclass(frozen=True)
class Operation:
    name: str
    document: str
    ids: tuple[str, ...] = ()  # Q3: random driver ids, one per request

    def bodies(self, count: int) -> list[bytes]:
        if not self.ids:
            return [self.body()] * count
        return [self.body(self.ids[i % len(self.ids)]) for i in range(count)]

    def body(self, driver_id: str | None = None) -> bytes:
        payload: dict[str, object] = {"query": self.document}
        if driver_id is not None:
            payload["variables"] = {"id": driver_id}
        return json.dumps(payload, separators=(",", ":")).encode()


def driver_ids(drivers: int) -> tuple[str, ...]:
    rng = random.Random(ID_SAMPLE_SEED)
    return tuple(
        base64.b64encode(f"Driver:{rng.randint(1, drivers)}".encode()).decode("ascii")
        for _ in range(RANDOM_IDS)
    )


def load_operations(opts: Options) -> list[Operation]:
    operations = []
    for name in opts.queries:
        document = (QUERIES / f"{name}.graphql").read_text().strip()
        ids = driver_ids(opts.drivers) if "$id" in document else ()
        operations.append(Operation(name, document, ids))
    return operations


def _lua_string(value: str) -> str:
    # A long bracket literal needs no escaping; pick a level that does not occur.
    level = 0
    while f"]{'=' * level}]" in value:
        level += 1
    eq = "=" * level
    return f"[{eq}[{value}]{eq}]"


def write_lua(name: str, body: bytes | None, ids: Sequence[str] = (), *, check: bool) -> Path:
    """bench/out/lua/<name>.lua: the request prelude + bench/lua/graphql.lua."""
    lines = [
        f"-- Generated by bench/run.py for {name}; the logic is bench/lua/graphql.lua.",
        'GRAPHQL_PATH = "/graphql"',
        f"CHECK_ERRORS = {'true' if check else 'false'}",
    ]
    if ids:
        assert body is not None and ID_PLACEHOLDER.encode() in body
        prefix, suffix = body.decode().split(ID_PLACEHOLDER)
        lines += [
            f"BODY_PREFIX = {_lua_string(prefix)}",
            f"BODY_SUFFIX = {_lua_string(suffix)}",
            "IDS = {",
            *(f'  "{driver_id}",' for driver_id in ids),
            "}",
        ]
    else:
        assert body is not None
        lines.append(f"BODY = {_lua_string(body.decode())}")
    path = OUT / "lua" / f"{name}.lua"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + LUA_TEMPLATE.read_text())
    return path


def operation_script(op: Operation) -> Path:
    if op.ids:
        return write_lua(op.name, op.body(ID_PLACEHOLDER), op.ids, check=True)
    return write_lua(op.name, op.body(), check=True)


# ---------------------------------------------------------------- checks


Check = Callable[[dict[str, Any]], str | None]


def _nodes(data: dict[str, Any], field_name: str) -> list[Any]:
    connection = data.get(field_name) or {}
    nodes = connection.get("nodes")
    return nodes if isinstance(nodes, list) else []


CHECKS: dict[str, Check] = {
    "q1": lambda d: None if len(_nodes(d, "drivers")) == 50 else "expected 50 drivers",
    "q2": lambda d: None if len(_nodes(d, "drivers")) == 20 else "expected 20 drivers",
    "q3": lambda d: None if d.get("driver") else "driver is null",
    "q4": lambda d: (
        None if _nodes(d, "leaderboard") else "empty leaderboard (no trips in the active season?)"
    ),
}


def check_operation(server: Server, op: Operation) -> int:
    """One request per body kind: HTTP 200, data, no errors, plausible shape."""
    url = server.base_url + "/graphql"
    bodies = op.bodies(5) if op.ids else op.bodies(1)
    size = 0
    for body in bodies:
        status, raw = http(url, body)
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if status != 200 or not isinstance(answer, dict):
            raise BenchError(f"{op.name}: HTTP {status}: {raw[:300]!r}")
        if answer.get("errors") or not answer.get("data"):
            raise BenchError(f"{op.name}: {json.dumps(answer)[:500]}")
        problem = CHECKS[op.name](answer["data"])
        if problem:
            raise BenchError(f"{op.name}: {problem}: {json.dumps(answer)[:300]}")
        size = len(raw)
    return size


_COUNTER = re.compile(r"^fleetgraph_sql_statements_total\s+(\S+)$", re.MULTILINE)


def scrape(base_url: str) -> tuple[int, bytes]:
    """An API server's /metrics (production mode: with the bearer token)."""
    return http(base_url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})


def statements_total(server: Server) -> float:
    status, raw = scrape(server.base_url)
    match = _COUNTER.search(raw.decode())
    if status != 200 or not match:
        raise BenchError("/metrics has no fleetgraph_sql_statements_total")
    return float(match.group(1))


def statements_per_request(server: Server, op: Operation, samples: int) -> float:
    url = server.base_url + "/graphql"
    before = statements_total(server)
    for body in op.bodies(samples):
        status, raw = http(url, body)
        if status != 200 or b'"errors":' in raw:
            raise BenchError(f"{op.name}: HTTP {status}: {raw[:300]!r}")
    return (statements_total(server) - before) / samples


# ---------------------------------------------------------------- CPU


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_ticks() -> int:
    """Busy CPU ticks of the whole machine (every core): all but idle and iowait."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int, *, with_children: bool = False) -> tuple[str, int]:
    """(command name, CPU ticks used) of one process; children's once reaped, if asked."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", 0
    name = text[text.index("(") + 1 : text.rindex(")")]
    rest = text[text.rindex(")") + 2 :].split()
    ticks = int(rest[11]) + int(rest[12])  # utime, stime (fields 14, 15)
    if with_children:
        ticks += int(rest[13]) + int(rest[14])  # cutime, cstime: reaped children (wrk)
    return name, ticks


def _descendants(root: int) -> list[int]:
    found, queue = [], [root]
    while queue:
        children = _children(queue.pop())
        found += children
        queue += children
    return found


def _serves_database(pid: int, database: str) -> bool:
    """A PostgreSQL process working for `database`, or for every database
    (checkpointer, WAL writer...); not another database's backend."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    parts = title.replace("\0", " ").strip().split(": ", 2)
    if len(parts) < 3:
        return True  # the postmaster
    words = parts[2].split()
    if words[:2] == ["autovacuum", "worker"]:
        return database in words[2:]
    if len(words) >= 3 and "(" in words[2]:  # "<user> <database> <host>(<port>) <state>"
        return words[1] == database
    return True


def _bench_ticks(database: str) -> int:
    """CPU ticks of this benchmark: this script, its children (servers, wrk) and
    PostgreSQL's work for the benchmark database."""
    total = _process_ticks(os.getpid(), with_children=True)[1]
    total += sum(_process_ticks(pid)[1] for pid in _descendants(os.getpid()))
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            name, ticks = _process_ticks(int(entry.name))
            if name.startswith("postgres") and _serves_database(int(entry.name), database):
                total += ticks
    return total


@dataclass(frozen=True)
class CpuSample:
    at: float
    machine: int
    bench: int

    @classmethod
    def take(cls, database: str) -> CpuSample:
        return cls(time.monotonic(), _machine_busy_ticks(), _bench_ticks(database))

    def other_share(self, later: CpuSample) -> float:
        """Share of the machine (0..1, all cores) used by processes outside the benchmark."""
        seconds = later.at - self.at
        other = (later.machine - self.machine) - (later.bench - self.bench)
        return max(0.0, other / CLOCK_TICKS / seconds / (os.cpu_count() or 1))


def wait_for_quiet(opts: Options) -> float:
    """Wait (up to --max-wait-quiet s) until other processes use < 10% of the
    machine; returns their last measured share."""
    deadline = time.monotonic() + opts.max_wait_quiet
    while True:
        first = CpuSample.take(opts.database)
        time.sleep(2.0)
        share = first.other_share(CpuSample.take(opts.database))
        if share < QUIET_SHARE or time.monotonic() >= deadline:
            if share >= QUIET_SHARE:
                log(f"machine still busy ({share:.0%} CPU used by other processes); going on")
            return share
        log(f"machine busy: other processes use {share:.0%} of the CPU; waiting")


# ---------------------------------------------------------------- wrk


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    timeouts: int
    bad_status: int
    graphql_errors: int
    first_failure: str
    other_cpu: float  # share of the machine used by processes outside the benchmark

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def failures(self) -> int:
        return self.socket_errors + self.timeouts + self.bad_status + self.graphql_errors


def wrk(
    opts: Options, script: Path, url: str, seconds: int, label: str, *, raw_name: str
) -> WrkResult:
    command = [
        "wrk",
        f"--threads={opts.threads}",
        f"--connections={opts.connections}",
        f"--duration={seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
        f"--script={script}",
        url,
    ]
    log(f"{label}: {shlex.join(['wrk', *command[1:-2]])} ... ({seconds} s)")
    before = CpuSample.take(opts.database)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = process.communicate(timeout=seconds + 120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    other_cpu = before.other_share(CpuSample.take(opts.database))
    text = output.decode(errors="replace")
    (OUT / "wrk").mkdir(parents=True, exist_ok=True)
    (OUT / "wrk" / f"{raw_name}.txt").write_text(shlex.join(command) + "\n\n" + text)
    line = next((x for x in text.splitlines() if x.startswith("FLEETGRAPH_WRK ")), None)
    if process.returncode != 0 or line is None:
        raise BenchError(f"wrk failed (exit {process.returncode}):\n{text[-1500:]}")
    data = json.loads(line.removeprefix("FLEETGRAPH_WRK "))
    return WrkResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        socket_errors=int(data["connect_errors"] + data["read_errors"] + data["write_errors"]),
        timeouts=int(data["timeouts"]),
        # wrk's own status count covers non-2xx/3xx even when the script reads no bodies.
        bad_status=max(int(data["bad_status"]), int(data["status_errors"])),
        graphql_errors=int(data["graphql_errors"]),
        first_failure=str(data["first_failure"]),
        other_cpu=other_cpu,
    )


def require_clean(label: str, result: WrkResult) -> None:
    if result.failures or result.requests == 0:
        raise BenchError(
            f"{label}: {result.requests} requests, {result.socket_errors} socket errors, "
            f"{result.timeouts} timeouts, {result.bad_status} non-2xx, "
            f"{result.graphql_errors} with GraphQL errors; first: {result.first_failure!r}"
        )


def load(opts: Options, script: Path, url: str, name: str) -> WrkResult:
    raw = re.sub(r"\W+", "-", name).strip("-")  # "ceiling (after)" -> ceiling-after
    wait_for_quiet(opts)
    if opts.warmup:
        warm = wrk(opts, script, url, opts.warmup, f"{name} warm-up", raw_name=f"{raw}-warmup")
        require_clean(f"{name} warm-up", warm)
    result = wrk(opts, script, url, opts.duration, name, raw_name=raw)
    require_clean(name, result)
    log(
        f"{name}: {result.rps:,.1f} req/s, p50 {result.p50_ms:.2f} ms, "
        f"p99 {result.p99_ms:.2f} ms; other processes {result.other_cpu:.0%} CPU"
    )
    return result


# ---------------------------------------------------------------- run


@dataclass
class Row:
    op: Operation
    result: WrkResult
    statements: float
    response_bytes: int
    ratio: float = 0.0

    @property
    def floor(self) -> float:
        return FLOORS[self.op.name]

    @property
    def passed(self) -> bool:
        return self.ratio >= self.floor


@dataclass
class Run:
    started: datetime
    dataset: Dataset
    ceilings: list[WrkResult] = field(default_factory=list)  # before and after the API
    rows: list[Row] = field(default_factory=list)
    rss_kib: int = 0
    hwm_kib: int = 0
    load_before: str = ""
    load_after: str = ""

    @property
    def ceiling(self) -> WrkResult:
        """The reference: the better of the two ceiling runs (the lower ratio)."""
        return max(self.ceilings, key=lambda result: result.rps)

    def shares(self) -> list[tuple[str, float]]:
        """Other processes' CPU share during each measured run."""
        names = ["ceiling (before)", "ceiling (after)"][: len(self.ceilings)]
        return [
            *zip(names, (c.other_cpu for c in self.ceilings), strict=True),
            *((row.op.name.upper(), row.result.other_cpu) for row in self.rows),
        ]

    @property
    def disturbed(self) -> list[str]:
        return [name for name, share in self.shares() if share >= QUIET_SHARE]


def ceiling_body(size: int | None = None) -> bytes:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from ceiling_app import BODY, build_body

    return BODY if size is None else build_body(size)


def ceiling_run(opts: Options, label: str, body_bytes: int | None = None) -> WrkResult:
    """The ceiling's req/s; `body_bytes`: with a body of that size instead of 5 KB."""
    port = free_port()
    command = [
        str(VENV_BIN / "python"),
        "-m",
        "uvicorn",
        "--app-dir",
        str(BENCH),
        "ceiling_app:app",
        "--host=127.0.0.1",
        f"--port={port}",
        "--workers=1",
        "--loop=uvloop",
        "--http=httptools",
        "--no-access-log",
        "--log-level=warning",
    ]
    script = write_lua("ceiling", b'{"query":"query Ceiling { ping }"}', check=True)
    env = dict(os.environ)
    if body_bytes is not None:
        env["CEILING_BODY_BYTES"] = str(body_bytes)
    with serving("ceiling", command, env, port) as server:
        status, raw = http(server.base_url + "/graphql", b"{}")
        if status != 200 or raw != ceiling_body(body_bytes):
            raise BenchError(f"ceiling: unexpected answer HTTP {status}, {len(raw)} bytes")
        return load(opts, script, server.base_url + "/graphql", label)


def api_env(opts: Options) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # No Redis: the figures measure resolvers, loaders and SQL, not a response cache.
        if key not in {"REDIS_URL", "DATABASE_POOL_SIZE"}
    }
    env.update(
        ENVIRONMENT="production",
        JWT_SECRET=secrets.token_urlsafe(36),
        METRICS_TOKEN=METRICS_TOKEN,
        DATABASE_URL=opts.database_url,
        LOG_LEVEL="warning",
        # The read-path figures measure execution; bench/cache_bench.py measures the cache.
        RESPONSE_CACHE_ENABLED="false",
        # One load generator is one client: its cost budget would throttle it.
        RATE_LIMIT_ENABLED="false",
    )
    return env


def api_run(opts: Options, run: Run) -> None:
    port = free_port()
    command = [
        str(VENV_BIN / "fleetgraph"),
        "serve",
        "--host=127.0.0.1",
        f"--port={port}",
        "--workers=1",
    ]
    operations = load_operations(opts)
    with serving("api", command, api_env(opts), port) as server:
        for op in operations:
            size = check_operation(server, op)
            statements = statements_per_request(server, op, STATEMENT_SAMPLES)
            log(f"{op.name}: {size:,} bytes, {statements:g} SQL statements per request")
            script = operation_script(op)
            result = load(opts, script, server.base_url + "/graphql", op.name)
            run.rows.append(Row(op, result, statements, size))
        pid = serving_pid(server.process.pid)
        run.rss_kib = _status_kib(pid, "VmRSS")
        run.hwm_kib = _status_kib(pid, "VmHWM")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---------------------------------------------------------------- report


def _git() -> str:
    def out(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else ""

    head = out("rev-parse", "--short", "HEAD").strip() or "unknown"
    # Tracked files changed since HEAD; this run's own report file does not count.
    status = out("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md")
    dirty = [line[3:] for line in status.splitlines()]
    if not dirty:
        return head
    shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
    return f"{head} + uncommitted changes to {shown}"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (result.stdout or result.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def _ratio(value: float) -> str:
    return f"{value:.4f}" if value < 0.1 else f"{value:.3f}"


def report(opts: Options, run: Run) -> str:
    ds = run.dataset
    command = "make bench" if not opts.argv else f'make bench ARGS="{shlex.join(opts.argv)}"'
    direct = shlex.join([".venv/bin/python", "bench/run.py", *opts.argv])
    scale = f"{opts.drivers:,} drivers x {opts.trips_per_driver} trips" + (
        "" if opts.full_scale else " (dev scale, NOT the benchmark scale)"
    )
    lines = [
        f"## Read API (reference executor) — {run.started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{command}` (= `{direct}`), commit {_git()}.",
        f"- Machine: {os.cpu_count()} cores ({_cpu()}), shared by the server, PostgreSQL "
        f"and wrk; load average {run.load_before} before, {run.load_after} after.",
        f"- Data: {scale}, seed {SEED}: {ds.drivers:,} drivers, {ds.trips:,} trips, "
        f"{ds.safety_events:,} safety events in `{opts.database}`, seeded "
        f"{ds.seeded_at} at revision {ds.revision}; {ds.note}.",
        f"- Server: `fleetgraph serve --workers 1`, ENVIRONMENT=production, "
        f"LOG_LEVEL=warning, no REDIS_URL (no response cache); Python "
        f"{platform.python_version()}.",
        f"- Load: {_wrk_version()}, {opts.threads} threads, {opts.connections} connections, "
        f"{opts.duration} s per operation after a {opts.warmup} s warm-up; POST /graphql with "
        "a JSON body (bench/lua/graphql.lua); Q3 draws one of "
        f"{RANDOM_IDS:,} random driver ids per request. Every response was checked: "
        "no failed request, no GraphQL error.",
        "- SQL statements/request: `fleetgraph_sql_statements_total` from /metrics "
        f"around {STATEMENT_SAMPLES} sequential requests.",
        f"- Ceiling (bench/ceiling_app.py: bare Starlette on uvicorn, uvloop + httptools, "
        f"1 worker, fixed {len(ceiling_body()):,}-byte JSON body), measured before and after "
        f"the operations, the higher one is the reference: **{run.ceiling.rps:,.0f} req/s** "
        f"(p50 {run.ceiling.p50_ms:.2f} ms, p99 {run.ceiling.p99_ms:.2f} ms; the two runs: "
        + " and ".join(f"{c.rps:,.0f}" for c in run.ceilings)
        + " req/s).",
        "",
        "| op | req/s | p50 ms | p99 ms | SQL statements/request | ratio to ceiling "
        "| floor | pass/fail |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in run.rows:
        r = row.result
        lines.append(
            f"| {row.op.name.upper()} | {r.rps:,.1f} | {r.p50_ms:,.1f} | {r.p99_ms:,.1f} "
            f"| {row.statements:g} | {_ratio(row.ratio)} | {row.floor} "
            f"| {'pass' if row.passed else '**FAIL**'} |"
        )
    failed = [row.op.name.upper() for row in run.rows if not row.passed]
    shares = run.shares()
    busy = run.disturbed
    lines += [
        "",
        "CPU used by other processes (not this script, its servers, wrk, or PostgreSQL "
        "working for the benchmark database) "
        "during each measured run, as a share of the machine: "
        + ", ".join(f"{name} {share:.0%}" for name, share in shares)
        + (
            f". **Disturbed (>= {QUIET_SHARE:.0%}): {', '.join(busy)}; the figures are not "
            "conclusive, rerun on a quiet machine.**"
            if busy
            else "."
        ),
        "",
        "Response sizes: "
        + ", ".join(f"{row.op.name.upper()} {row.response_bytes:,} B" for row in run.rows)
        + f" (ceiling {len(ceiling_body()):,} B).",
        "",
        f"Server RSS after the load: {run.rss_kib / 1024:,.0f} MiB "
        f"(peak {run.hwm_kib / 1024:,.0f} MiB).",
        "",
        "Verdict: "
        + ("inconclusive (disturbed run); " if busy else "")
        + ("every floor met." if not failed else f"floor NOT met for {', '.join(failed)}."),
        "",
    ]
    return "\n".join(lines)


def append_report(path: Path, section: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text() if path.exists() else "# Benchmark results\n"
    path.write_text(existing.rstrip("\n") + "\n\n" + section)


# ---------------------------------------------------------------- main


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwind through every `finally`: servers get stopped


def main(argv: Sequence[str]) -> int:
    opts = parse_options(argv)
    if shutil.which("wrk") is None:
        print(
            "bench: wrk is not installed; install Debian's package: apt-get install -y wrk",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    if opts.targets:
        from compare import main as compare_main

        return compare_main(opts)
    try:
        run = Run(started=datetime.now(UTC), dataset=prepare_database(opts))
        run.load_before = loadavg()
        run.ceilings.append(ceiling_run(opts, "ceiling (before)"))
        api_run(opts, run)
        run.ceilings.append(ceiling_run(opts, "ceiling (after)"))
        run.load_after = loadavg()
    except BenchError as exc:
        print(f"bench: invalid run, no report written: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted, no report written", file=sys.stderr)
        return 130
    for row in run.rows:
        row.ratio = row.result.rps / run.ceiling.rps
    section = report(opts, run)
    results = opts.results
    if run.disturbed and opts.results == RESULTS and not opts.results_given:
        results = DEV_RESULTS  # an inconclusive run does not go into the record
    append_report(results, section)
    print(section)
    print(f"bench: appended to {results}", file=sys.stderr)
    if run.disturbed:
        print(
            f"bench: inconclusive: other processes used >= {QUIET_SHARE:.0%} of the CPU during "
            f"{', '.join(run.disturbed)}; rerun on a quiet machine",
            file=sys.stderr,
        )
        return 3
    return 0 if all(row.passed for row in run.rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
