"""Response-cache benchmark: cache hits for Q4 (leaderboard) and Q2 (nested drivers)
on the in-process and the Redis backend, next to the bare-Starlette ceiling and
the uncached server; APQ hash-only requests against the full query text.

    .venv/bin/python bench/cache_bench.py                     # benchmark scale, 15 s runs
    .venv/bin/python bench/cache_bench.py --duration 5 --drivers 500 --trips-per-driver 20

Reuses bench/run.py: its database (`fleetgraph_bench`, seeded or reused), its
ceiling app, wrk driver with a checking Lua script, and its wait for a quiet
machine. Every response is checked (HTTP 200, no GraphQL error). The section
goes to bench/RESULTS.md (dev scales: bench/out/RESULTS-dev.md). Target: a
cache hit at >= 70% of the ceiling.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, a script next to this one

TARGET = 0.70
REDIS_URL = "redis://127.0.0.1:6379/0"
COUNTERS: list[str] = []  # cache counters of each server after its runs
HIT_BYTES: dict[str, int] = {}  # op -> bytes of its cached answer (for a same-size ceiling)


@dataclass(frozen=True)
class Measured:
    server: str  # uncached / memory / redis
    op: str
    request: str  # full text / APQ hash
    result: bench.WrkResult


def apq_body(document: str) -> bytes:
    sha = hashlib.sha256(document.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    return json.dumps({"extensions": extensions}, separators=(",", ":")).encode()


def serve(opts: bench.Options, name: str, **env: str) -> tuple[list[str], dict[str, str], int]:
    port = bench.free_port()
    command = [str(bench.VENV_BIN / "fleetgraph"), "serve", "--host=127.0.0.1", f"--port={port}"]
    # Rate limiting would answer a single wrk client with 429s: not what is measured here.
    return command, {**bench.api_env(opts), "RATE_LIMIT_ENABLED": "false", **env}, port


def measure(
    opts: bench.Options, name: str, ops: list[bench.Operation], **env: str
) -> list[Measured]:
    command, environment, port = serve(opts, name, **env)
    found: list[Measured] = []
    with bench.serving(f"cache-{name}", command, environment, port) as server:
        url = server.base_url + "/graphql"
        for op in ops:
            bench.check_operation(server, op)
            script = bench.write_lua(f"cache-{name}-{op.name}", op.body(), check=True)
            result = bench.load(opts, script, url, f"{op.name} {name}")
            found.append(Measured(name, op.name.upper(), "full text", result))
            if name == "memory":
                HIT_BYTES[op.name.upper()] = len(bench.http(url, op.body())[1])
            if name == "uncached" or op.name != "q4":
                continue
            register = {"query": op.document, **json.loads(apq_body(op.document))}
            status, raw = bench.http(url, json.dumps(register).encode())
            if status != 200 or b'"errors"' in raw:
                raise bench.BenchError(f"APQ registration failed: HTTP {status} {raw[:200]!r}")
            script = bench.write_lua(
                f"cache-{name}-{op.name}-apq", apq_body(op.document), check=True
            )
            result = bench.load(opts, script, url, f"{op.name} {name} APQ")
            found.append(Measured(name, op.name.upper(), "APQ hash", result))
        _, metrics = bench.scrape(server.base_url)
        for line in metrics.decode().splitlines():
            if line.startswith("fleetgraph_response_cache_") and "_total{" in line:
                COUNTERS.append(f"{name}: {line}")
    return found


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def report(
    argv: Sequence[str],
    ceiling: bench.WrkResult,
    sized: dict[str, bench.WrkResult],
    rows: list[Measured],
    loads: tuple[str, str],
) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Response cache — {started}",
        "",
        f"- Command: `{' '.join(['.venv/bin/python', 'bench/cache_bench.py', *argv])}`, "
        f"commit {commit()}.",
        f"- Load average before {loads[0]}, after {loads[1]} "
        "(2 cores, shared with PostgreSQL, Redis and wrk).",
        "- Servers: `fleetgraph serve --workers 1`, ENVIRONMENT=production, rate limiting off; "
        "uncached: RESPONSE_CACHE_ENABLED=false; memory: no REDIS_URL; redis: local Redis 7.",
        f"- Ceiling (bench/ceiling_app.py, 5 KB fixed JSON): **{ceiling.rps:,.0f} req/s** "
        f"(p50 {ceiling.p50_ms:.2f} ms, p99 {ceiling.p99_ms:.2f} ms).",
        "- Cached runs are hits after the first request "
        "(Q4's entry lives 10 s: one miss per 10 s).",
        "- The target is judged against the 5 KB ceiling. For information, the same "
        "ceiling app sending a body of the size of each cached answer: "
        + ", ".join(
            f"{op} {HIT_BYTES[op]:,} B: {result.rps:,.0f} req/s" for op, result in sized.items()
        )
        + " (the last column).",
        "",
        "| server | op | request | req/s | p50 ms | p99 ms | ratio to ceiling | target "
        "| other CPU | ratio to a same-size ceiling |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        ratio = row.result.rps / ceiling.rps
        target = "—" if row.server == "uncached" else ("pass" if ratio >= TARGET else "**FAIL**")
        same_size = sized.get(row.op)
        informative = "—" if same_size is None else f"{row.result.rps / same_size.rps:.2f}"
        lines.append(
            f"| {row.server} | {row.op} | {row.request} | {row.result.rps:,.1f} | "
            f"{row.result.p50_ms:.2f} | {row.result.p99_ms:.2f} | {ratio:.2f} | {target} | "
            f"{row.result.other_cpu:.0%} | {informative} |"
        )
    lines += [
        "",
        "Cache counters per server after its runs (errors are Redis calls past the timeout):",
    ]
    lines += ["", *(f"    {counter}" for counter in COUNTERS)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    opts = bench.parse_options(argv)
    opts = dataclasses.replace(opts, queries=("q4", "q2"))
    try:
        bench.prepare_database(opts)
        ops = bench.load_operations(opts)
        before = bench.loadavg()
        ceiling = bench.ceiling_run(opts, "ceiling")
        rows = measure(opts, "uncached", ops, RESPONSE_CACHE_ENABLED="false")
        rows += measure(opts, "memory", ops, RESPONSE_CACHE_ENABLED="true")
        prefix = f"fleetgraph:bench:{secrets.token_hex(4)}:"
        rows += measure(
            opts,
            "redis",
            ops,
            RESPONSE_CACHE_ENABLED="true",
            REDIS_URL=REDIS_URL,
            RESPONSE_CACHE_KEY_PREFIX=prefix,
            PERSISTED_QUERIES_KEY_PREFIX=prefix + "pq:",
        )
        sized = {
            op: bench.ceiling_run(opts, f"ceiling {size:,} B", body_bytes=size)
            for op, size in HIT_BYTES.items()
        }
        after = bench.loadavg()
    except bench.BenchError as exc:
        print(f"cache bench: invalid run: {exc}", file=sys.stderr)
        return 2
    section = report(argv, ceiling, sized, rows, (before, after))
    results = opts.results if opts.results_given or opts.full_scale else bench.DEV_RESULTS
    bench.append_report(results, section)
    print(section)
    cached = [r for r in rows if r.server != "uncached"]
    return 0 if all(r.result.rps / ceiling.rps >= TARGET for r in cached) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
