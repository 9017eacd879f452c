"""Compression benchmark: req/s and bytes on the wire for Q1-Q4, uncached and as
response-cache hits, sent as they are (identity), gzip and brotli.

    .venv/bin/python bench/compression_bench.py --rounds 3      # benchmark scale, 15 s runs
    .venv/bin/python bench/compression_bench.py --duration 3 --warmup 1 \\
        --drivers 500 --trips-per-driver 20                      # a short dev-scale run

Reuses bench/run.py: its database, its wrk driver and Lua script (a prelude
line adds the request's Accept-Encoding), its wait for a quiet machine.
Servers: `fleetgraph serve --workers 1` in production mode with rate limiting
off, four of them: uncached (RESPONSE_CACHE_ENABLED=false), cached
(in-process response cache), and each with COMPRESSION=false (what a request
costs with no compression middleware at all). Every response's status is
checked; GraphQL errors are checked in the identity runs (wrk's Lua cannot
read a compressed body), and each body kind is checked once beforehand by
decoding it here. Bytes on the wire: one response's body per coding.

Target (issue 20): cache hits with brotli at >= 0.8x the req/s of
uncompressed hits on the same server. The section goes to bench/RESULTS.md
at the benchmark scale, else to bench/out/RESULTS-dev.md.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, a script next to this one

TARGET = 0.80
CODINGS = ("identity", "gzip", "br")
DECODE = {"identity": lambda body: body, "gzip": gzip.decompress, "br": brotli.decompress}
SERVERS = {
    "uncached": {"RESPONSE_CACHE_ENABLED": "false"},
    "uncached, compression off": {"RESPONSE_CACHE_ENABLED": "false", "COMPRESSION": "false"},
    "cached": {"RESPONSE_CACHE_ENABLED": "true"},
    "cached, compression off": {"RESPONSE_CACHE_ENABLED": "true", "COMPRESSION": "false"},
}


@dataclass(frozen=True)
class Measured:
    server: str
    op: str
    coding: str
    body_bytes: int  # one response's body as sent
    result: bench.WrkResult


def fetch(url: str, body: bytes, coding: str) -> tuple[int, str, bytes]:
    """Status, Content-Encoding and the body as sent (urllib does not decode)."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    request.add_header("Accept-Encoding", coding)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("content-encoding", ""), response.read()


def check(url: str, op: bench.Operation, coding: str) -> int:
    """One request: the coding asked for (bodies over the threshold), data, no errors."""
    status, encoding, raw = fetch(url, op.bodies(1)[0], coding)
    answer = json.loads(DECODE[encoding or "identity"](raw))
    if status != 200 or answer.get("errors") or not answer.get("data"):
        raise bench.BenchError(f"{op.name} {coding}: HTTP {status}: {str(answer)[:300]}")
    if coding != "identity" and encoding != coding:
        raise bench.BenchError(f"{op.name} {coding}: answered {encoding or 'identity'}")
    return len(raw)


def script(op: bench.Operation, server: str, coding: str) -> Path:
    """bench/run.py's script for `op`, asking for `coding`."""
    base = bench.operation_script(op)
    name = f"compression-{server.replace(', ', '-').replace(' ', '-')}-{op.name}-{coding}"
    text = base.read_text()
    if coding != "identity":
        text = text.replace("CHECK_ERRORS = true", "CHECK_ERRORS = false")  # binary bodies
        text = f'wrk.headers["Accept-Encoding"] = "{coding}"\n' + text
    path = base.with_name(f"{name}.lua")
    path.write_text(text)
    return path


def measure(opts: bench.Options, server: str, ops: list[bench.Operation]) -> list[Measured]:
    port = bench.free_port()
    command = [str(bench.VENV_BIN / "fleetgraph"), "serve", "--host=127.0.0.1", f"--port={port}"]
    env = {**bench.api_env(opts), "RATE_LIMIT_ENABLED": "false", **SERVERS[server]}
    codings = ("identity",) if "off" in server else CODINGS
    found: list[Measured] = []
    with bench.serving(f"compression-{port}", command, env, port) as running:
        url = running.base_url + "/graphql"
        for op in ops:
            bench.check_operation(running, op)  # and a first miss, stored when cached
            sizes = {coding: check(url, op, coding) for coding in codings}
            # Codings alternate within each round: a drift of the machine's speed falls on
            # all of them alike; each is reported by its median round.
            runs: dict[str, list[bench.WrkResult]] = {coding: [] for coding in codings}
            for _ in range(opts.rounds):
                for coding in codings:
                    name = f"{op.name} {server} {coding}"
                    runs[coding].append(bench.load(opts, script(op, server, coding), url, name))
            for coding in codings:
                result = median_run(runs[coding])
                found.append(Measured(server, op.name.upper(), coding, sizes[coding], result))
    return found


def median_run(results: list[bench.WrkResult]) -> bench.WrkResult:
    return sorted(results, key=lambda result: result.rps)[len(results) // 2]


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def report(argv: Sequence[str], rows: list[Measured], loads: tuple[str, str]) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    identity_hits = {
        r.op: r.result.rps for r in rows if (r.server, r.coding) == ("cached", "identity")
    }
    lines = [
        f"## Compression — {started}",
        "",
        f"- Command: `{' '.join(['.venv/bin/python', 'bench/compression_bench.py', *argv])}`, "
        f"commit {commit()}.",
        f"- Load average before {loads[0]}, after {loads[1]} (2 cores, shared with "
        "PostgreSQL and wrk).",
        "- Servers: `fleetgraph serve --workers 1`, ENVIRONMENT=production, rate limiting off, "
        "COMPRESSION_MIN_BYTES=1024; cached runs are response-cache hits after the first "
        "request (Q3: one entry per driver id drawn).",
        f"- Target: brotli hits >= {TARGET:.1f}x the req/s of identity hits (same server).",
        "",
        "| server | op | coding | body bytes | req/s | p50 ms | p99 ms | vs identity hits "
        "| target | other CPU |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in rows:
        base = identity_hits.get(row.op)
        ratio = "—" if base is None or row.server == "uncached" else f"{row.result.rps / base:.2f}"
        target = "—"
        if (row.server, row.coding) == ("cached", "br") and base:
            target = "pass" if row.result.rps / base >= TARGET else "**FAIL**"
        lines.append(
            f"| {row.server} | {row.op} | {row.coding} | {row.body_bytes:,} | "
            f"{row.result.rps:,.1f} | {row.result.p50_ms:.2f} | {row.result.p99_ms:.2f} | "
            f"{ratio} | {target} | {row.result.other_cpu:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    opts = bench.parse_options(argv)
    try:
        bench.prepare_database(opts)
        ops = bench.load_operations(opts)
        before = bench.loadavg()
        rows = [row for server in SERVERS for row in measure(opts, server, ops)]
        after = bench.loadavg()
    except bench.BenchError as exc:
        print(f"compression bench: invalid run: {exc}", file=sys.stderr)
        return 2
    section = report(argv, rows, (before, after))
    results = opts.results if opts.results_given or opts.full_scale else bench.DEV_RESULTS
    bench.append_report(results, section)
    print(section)
    hits = {r.op: r.result.rps for r in rows if (r.server, r.coding) == ("cached", "identity")}
    brotli_hits = [r for r in rows if (r.server, r.coding) == ("cached", "br")]
    return 0 if all(r.result.rps / hits[r.op] >= TARGET for r in brotli_hits) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
