"""Tracing overhead: Q2 (nested drivers) traced at 100% vs untraced, both executors.

    .venv/bin/python bench/tracing_bench.py                 # benchmark scale, 15 s runs
    .venv/bin/python bench/tracing_bench.py --rounds 3 --executors planned
    .venv/bin/python bench/tracing_bench.py --duration 5 --drivers 500 --trips-per-driver 20

Reuses bench/run.py: its database (`fleetgraph_bench`, seeded or reused), wrk
with the checking Lua script (every response: HTTP 200, no GraphQL error),
and its wait for a quiet machine before each load. Per executor two servers
run side by side (`fleetgraph serve --workers 1`, production settings,
response cache and rate limiting off): untraced (no OTEL_* variables, the
default: tracing off) and traced (OTEL_EXPORTER_OTLP_ENDPOINT to
bench/otlp_sink.py, a receiver on 127.0.0.1 that decodes and counts every
export, OTEL_TRACES_SAMPLER=always_on). Runs alternate untraced/traced for
--rounds rounds (the order flips every round) so drift hits both alike.
Target: traced >= 90% of untraced.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, a script next to this one

TARGET = 0.90
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Measured:
    executor: str
    traced: bool
    round: int
    result: bench.WrkResult
    spans_per_request: float | None = None


def sink_stats(url: str) -> dict[str, int]:
    status, raw = bench.http(url + "/stats")
    if status != 200:
        raise bench.BenchError(f"OTLP sink: HTTP {status}")
    stats: dict[str, int] = json.loads(raw)
    return stats


@contextmanager
def servers(
    opts: bench.Options, executor: str, sink_url: str
) -> Iterator[tuple[bench.Server, bench.Server]]:
    base = {
        key: value
        for key, value in bench.api_env(opts).items()
        if not key.startswith("OTEL_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    base.update(
        RESPONSE_CACHE_ENABLED="false",
        RATE_LIMIT_ENABLED="false",
        PLANNER_ENABLED="true" if executor == "planned" else "false",
    )
    traced = {
        **base,
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink_url,
        "OTEL_TRACES_SAMPLER": "always_on",
        "OTEL_SERVICE_NAME": "fleetgraph-bench",
    }
    commands = []
    for _ in range(2):
        port = bench.free_port()
        command = [str(bench.VENV_BIN / "fleetgraph"), "serve", "--host=127.0.0.1"]
        commands.append(([*command, f"--port={port}"], port))
    (plain_cmd, plain_port), (traced_cmd, traced_port) = commands
    with (
        bench.serving(f"untraced-{executor}", plain_cmd, base, plain_port) as plain,
        bench.serving(f"traced-{executor}", traced_cmd, traced, traced_port) as with_spans,
    ):
        yield plain, with_spans


def check_headers(server: bench.Server, op: bench.Operation, traced: bool) -> None:
    """A traced server answers with `traceresponse`; an untraced one without."""
    import urllib.request

    request = urllib.request.Request(server.base_url + "/graphql", data=op.body(), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        has = response.headers.get("traceresponse") is not None
    if has != traced:
        raise bench.BenchError(f"{server.name}: traceresponse header present={has}")


def measure(opts: bench.Options, executor: str, rounds: int, sink_url: str) -> list[Measured]:
    [op] = bench.load_operations(opts)
    script = bench.operation_script(op)
    found: list[Measured] = []
    with servers(opts, executor, sink_url) as (plain, traced):
        for server, is_traced in ((plain, False), (traced, True)):
            bench.check_operation(server, op)
            check_headers(server, op, is_traced)
        for index in range(1, rounds + 1):
            # Odd rounds run untraced first, even rounds traced first: whatever warms
            # up or drifts within a round favours neither side.
            order = ((plain, False), (traced, True))
            for server, is_traced in order if index % 2 else order[::-1]:
                label = f"Q2 {executor} {'traced' if is_traced else 'untraced'} #{index}"
                before = sink_stats(sink_url)
                result = bench.load(opts, script, server.base_url + "/graphql", label)
                per_request = None
                if is_traced:
                    time.sleep(6)  # the batch processor exports every 5 s
                    after = sink_stats(sink_url)
                    # warm-up requests are exported too: count them in
                    requests = result.requests + int(result.rps * opts.warmup)
                    per_request = (after["spans"] - before["spans"]) / max(1, requests)
                found.append(Measured(executor, is_traced, index, result, per_request))
                bench.log(f"{label}: {result.rps:,.1f} req/s")
    return found


def disturbed_rounds(rows: list[Measured]) -> set[tuple[str, int]]:
    return {(r.executor, r.round) for r in rows if r.result.other_cpu >= bench.QUIET_SHARE}


def rate(results: list[bench.WrkResult]) -> float:
    return sum(r.requests for r in results) / sum(r.seconds for r in results)


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def report(
    argv: Sequence[str], opts: bench.Options, rows: list[Measured], loads: tuple[str, str]
) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Tracing overhead (Q2) — {started}",
        "",
        f"- Command: `{' '.join(['.venv/bin/python', 'bench/tracing_bench.py', *argv])}`, "
        f"commit {commit()} (plus uncommitted work of other engineers in the tree, if any).",
        f"- Load average before {loads[0]}, after {loads[1]} "
        "(2 cores, shared by both servers, PostgreSQL, wrk and the OTLP sink).",
        "- Servers: `fleetgraph serve --workers 1`, ENVIRONMENT=production, LOG_LEVEL=warning, "
        "response cache and rate limiting off. Untraced: no OTEL_* variables (tracing off). "
        "Traced: OTLP/HTTP protobuf to bench/otlp_sink.py on 127.0.0.1 (decodes and counts), "
        "OTEL_TRACES_SAMPLER=always_on, default batch span processor.",
        f"- wrk: {opts.threads} threads, {opts.connections} connections, {opts.warmup} s warm-up, "
        f"{opts.duration} s measured, runs alternating untraced/traced; every response checked. "
        "Spans/request: spans the sink received over requests sent (warm-up included). "
        "Odd rounds run untraced first, even rounds traced first.",
        "",
        "| executor | round | untraced req/s | traced req/s | traced/untraced | "
        "p50 ms (u/t) | p99 ms (u/t) | spans/request | other CPU (u/t) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    disturbed = disturbed_rounds(rows)
    for executor in dict.fromkeys(row.executor for row in rows):
        mine = [row for row in rows if row.executor == executor]
        pairs = [
            (u, t) for u in mine for t in mine if not u.traced and t.traced and u.round == t.round
        ]
        for u, t in pairs:
            mark = " (disturbed)" if (executor, u.round) in disturbed else ""
            lines.append(
                f"| {executor} | {u.round}{mark} | {u.result.rps:,.1f} | {t.result.rps:,.1f} | "
                f"{t.result.rps / u.result.rps:.1%} | "
                f"{u.result.p50_ms:.0f}/{t.result.p50_ms:.0f} | "
                f"{u.result.p99_ms:.0f}/{t.result.p99_ms:.0f} | {t.spans_per_request or 0:.1f} | "
                f"{u.result.other_cpu:.0%}/{t.result.other_cpu:.0%} |"
            )
        # The verdict counts undisturbed rounds when there are any.
        quiet = [(u, t) for u, t in pairs if (executor, u.round) not in disturbed]
        which = "undisturbed rounds" if quiet else "all rounds, every one disturbed"
        if len(quiet) == len(pairs):
            which = "all rounds"
        untraced = rate([u.result for u, _ in quiet or pairs])
        traced = rate([t.result for _, t in quiet or pairs])
        verdicts.append((executor, which, untraced, traced, traced / untraced))
    lines.append("")
    for executor, which, untraced, traced, ratio in verdicts:
        verdict = "pass" if ratio >= TARGET else "**FAIL**"
        lines.append(
            f"- {executor} ({which}): {untraced:,.1f} untraced vs {traced:,.1f} traced req/s: "
            f"**{ratio:.1%}** (target ≥ {TARGET:.0%}): {verdict}"
        )
    if disturbed:
        lines.append(
            f"- Disturbed: a round where other processes used ≥ {bench.QUIET_SHARE:.0%} of the "
            "CPU during either of its runs."
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--executors", default="planned,reference")
    own, rest = parser.parse_known_args(argv)
    opts = dataclasses.replace(bench.parse_options(rest), queries=("q2",))
    executors = [name.strip() for name in own.executors.split(",") if name.strip()]
    if not set(executors) <= {"planned", "reference"} or own.rounds < 1:
        print("tracing_bench: --executors planned,reference; --rounds >= 1", file=sys.stderr)
        return 2
    sink_port = bench.free_port()
    sink = [sys.executable, str(BENCH / "otlp_sink.py"), f"--port={sink_port}"]
    try:
        bench.prepare_database(opts)
        before = bench.loadavg()
        rows: list[Measured] = []
        with bench.serving("otlp-sink", sink, {}, sink_port) as receiver:
            for executor in executors:
                rows += measure(opts, executor, own.rounds, receiver.base_url)
        after = bench.loadavg()
    except bench.BenchError as exc:
        print(f"tracing_bench: invalid run, no report written: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    section = report(argv, opts, rows, (before, after))
    # Dev scales, and runs whose every round was disturbed, stay out of the record.
    every_round_disturbed = {(r.executor, r.round) for r in rows} <= disturbed_rounds(rows)
    record = opts.full_scale and not every_round_disturbed
    results = bench.RESULTS if record else bench.DEV_RESULTS
    if opts.results_given:
        results = opts.results
    bench.append_report(results, section)
    print(section)
    print(f"tracing_bench: appended to {results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
