"""Tracing overhead: planned Q1, Q2 and Q3, traced at always_on and at 10% vs untraced.

    .venv/bin/python bench/tracing_bench.py                 # benchmark scale, 3 rounds
    .venv/bin/python bench/tracing_bench.py --rounds 2 --queries q1 --samplers 0.1
    .venv/bin/python bench/tracing_bench.py --duration 5 --drivers 500 --trips-per-driver 20

Reuses bench/run.py: its database (`fleetgraph_bench`, seeded or reused), wrk
with the checking Lua script (every response: HTTP 200, no GraphQL error),
and its wait for a quiet machine before each load. Servers run side by side
(`fleetgraph serve --workers 1`, production settings, response cache and
rate limiting off): one untraced (no OTEL_* variables, the default: tracing
off) and one traced per sampler setting, exporting OTLP/HTTP to
bench/otlp_sink.py (a receiver on 127.0.0.1 that decodes and counts every
export): `always_on`, and a ratio such as `0.1` for
OTEL_TRACES_SAMPLER=parentbased_traceidratio with that argument. Per query,
each round runs every server once, the order rotating from round to round
so drift hits all alike. Targets: traced/untraced >= 80% at always_on and
>= 97% at 10%.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py, a script next to this one

ALWAYS_ON = "always_on"
UNTRACED = "untraced"


def target(sampler: str) -> float:
    """traced/untraced required: sampled requests cost what the SDK needs, the
    others close to nothing."""
    return 0.80 if sampler == ALWAYS_ON else 0.97


def sampler_env(sampler: str) -> dict[str, str]:
    if sampler == ALWAYS_ON:
        return {"OTEL_TRACES_SAMPLER": ALWAYS_ON}
    return {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": sampler}


BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Measured:
    executor: str
    query: str
    setting: str  # UNTRACED or a sampler setting
    round: int
    result: bench.WrkResult
    spans_per_request: float | None = None

    @property
    def traced(self) -> bool:
        return self.setting != UNTRACED


def sink_stats(url: str) -> dict[str, int]:
    status, raw = bench.http(url + "/stats")
    if status != 200:
        raise bench.BenchError(f"OTLP sink: HTTP {status}")
    stats: dict[str, int] = json.loads(raw)
    return stats


@contextmanager
def servers(
    opts: bench.Options, executor: str, sink_url: str, samplers: Sequence[str]
) -> Iterator[dict[str, bench.Server]]:
    """The untraced server and one traced per sampler setting, by setting."""
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
    envs = {UNTRACED: base}
    for sampler in samplers:
        envs[sampler] = {
            **base,
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink_url,
            "OTEL_SERVICE_NAME": "fleetgraph-bench",
            **sampler_env(sampler),
        }
    with ExitStack() as stack:
        running = {}
        for setting, env in envs.items():
            port = bench.free_port()
            command = [str(bench.VENV_BIN / "fleetgraph"), "serve", "--host=127.0.0.1"]
            name = f"{setting}-{executor}".replace(".", "_")
            running[setting] = stack.enter_context(
                bench.serving(name, [*command, f"--port={port}"], env, port)
            )
        yield running


def check_headers(server: bench.Server, op: bench.Operation, traced: bool) -> None:
    """A traced server answers with `traceresponse`; an untraced one without."""
    import urllib.request

    request = urllib.request.Request(server.base_url + "/graphql", data=op.body(), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        has = response.headers.get("traceresponse") is not None
    if has != traced:
        raise bench.BenchError(f"{server.name}: traceresponse header present={has}")


def measure(
    opts: bench.Options, executor: str, rounds: int, sink_url: str, samplers: Sequence[str]
) -> list[Measured]:
    found: list[Measured] = []
    with servers(opts, executor, sink_url, samplers) as running:
        for op in bench.load_operations(opts):
            script = bench.operation_script(op)
            for setting, server in running.items():
                bench.check_operation(server, op)
                check_headers(server, op, setting != UNTRACED)
            settings = list(running)
            for index in range(1, rounds + 1):
                # The order rotates every round: whatever warms up or drifts within a
                # round favours no setting.
                shift = (index - 1) % len(settings)
                for setting in settings[shift:] + settings[:shift]:
                    found.append(
                        run_once(
                            opts, executor, op, script, running[setting], setting, index, sink_url
                        )
                    )
    return found


def run_once(
    opts: bench.Options,
    executor: str,
    op: bench.Operation,
    script: Path,
    server: bench.Server,
    setting: str,
    index: int,
    sink_url: str,
) -> Measured:
    label = f"{op.name.upper()} {executor} {setting} #{index}"
    before = sink_stats(sink_url)
    result = bench.load(opts, script, server.base_url + "/graphql", label)
    per_request = None
    if setting != UNTRACED:
        time.sleep(6)  # the batch processor exports every 5 s
        after = sink_stats(sink_url)
        # warm-up requests are exported too: count them in
        requests = result.requests + int(result.rps * opts.warmup)
        per_request = (after["spans"] - before["spans"]) / max(1, requests)
    bench.log(f"{label}: {result.rps:,.1f} req/s")
    return Measured(executor, op.name, setting, index, result, per_request)


def disturbed_rounds(rows: list[Measured]) -> set[tuple[str, str, int]]:
    return {(r.executor, r.query, r.round) for r in rows if r.result.other_cpu >= bench.QUIET_SHARE}


def rate(results: list[bench.WrkResult]) -> float:
    return sum(r.requests for r in results) / sum(r.seconds for r in results)


def report(
    argv: Sequence[str], opts: bench.Options, rows: list[Measured], loads: tuple[str, str]
) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    settings = [s for s in dict.fromkeys(row.setting for row in rows) if s != UNTRACED]
    lines = [
        f"## Tracing overhead — {started}",
        "",
        f"- Command: `{' '.join(['.venv/bin/python', 'bench/tracing_bench.py', *argv])}`, "
        f"commit {bench._git()}.",
        f"- Load average before {loads[0]}, after {loads[1]} "
        "(2 cores, shared by the servers, PostgreSQL, wrk and the OTLP sink).",
        "- Servers: `fleetgraph serve --workers 1`, ENVIRONMENT=production, LOG_LEVEL=warning, "
        "response cache and rate limiting off. Untraced: no OTEL_* variables (tracing off). "
        "Traced: OTLP/HTTP protobuf to bench/otlp_sink.py on 127.0.0.1 (decodes and counts), "
        "spans handed to the export process (observability/export_process.py, the default); "
        "sampler `always_on`, or a ratio r: "
        "`parentbased_traceidratio` with OTEL_TRACES_SAMPLER_ARG=r.",
        f"- wrk: {opts.threads} threads, {opts.connections} connections, {opts.warmup} s warm-up, "
        f"{opts.duration} s measured; per query each round runs every server once, the order "
        "rotating by round; every response checked. Spans/request: spans the sink received "
        "over requests sent (warm-up included).",
        "",
        "| query | executor | round | untraced req/s | "
        + " | ".join(f"{s} req/s | {s} / untraced | {s} spans/req" for s in settings)
        + " | other CPU max |",
        "|---|---|---:|---:|" + "---:|---:|---:|" * len(settings) + "---:|",
    ]
    disturbed = disturbed_rounds(rows)
    verdicts = []
    groups = dict.fromkeys((row.query, row.executor) for row in rows)
    for query, executor in groups:
        mine = [row for row in rows if row.query == query and row.executor == executor]
        by_round: dict[int, dict[str, Measured]] = {}
        for row in mine:
            by_round.setdefault(row.round, {})[row.setting] = row
        for index, runs in sorted(by_round.items()):
            plain = runs[UNTRACED].result
            mark = " (disturbed)" if (executor, query, index) in disturbed else ""
            cells = [
                f"{runs[s].result.rps:,.1f} | {runs[s].result.rps / plain.rps:.1%} | "
                f"{runs[s].spans_per_request or 0:.2f}"
                for s in settings
            ]
            other = max(run.result.other_cpu for run in runs.values())
            lines.append(
                f"| {query.upper()} | {executor} | {index}{mark} | {plain.rps:,.1f} | "
                + " | ".join(cells)
                + f" | {other:.0%} |"
            )
        quiet = [i for i in by_round if (executor, query, i) not in disturbed] or list(by_round)
        plain_rate = rate([by_round[i][UNTRACED].result for i in quiet])
        for setting in settings:
            traced_rate = rate([by_round[i][setting].result for i in quiet])
            verdicts.append((query, executor, setting, len(quiet), plain_rate, traced_rate))
    lines.append("")
    for query, executor, setting, count, plain_rate, traced_rate in verdicts:
        ratio = traced_rate / plain_rate
        verdict = "pass" if ratio >= target(setting) else "**FAIL**"
        lines.append(
            f"- {query.upper()} {executor}, {setting} ({count} rounds): {plain_rate:,.1f} "
            f"untraced vs {traced_rate:,.1f} traced req/s: **{ratio:.1%}** "
            f"(target ≥ {target(setting):.0%}): {verdict}"
        )
    if disturbed:
        lines.append(
            f"- Disturbed: a round where other processes used ≥ {bench.QUIET_SHARE:.0%} of the "
            "CPU during any of its runs; verdicts count the undisturbed rounds when there are any."
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--executors", default="planned")
    parser.add_argument("--samplers", default="always_on,0.1", help="always_on and/or ratios")
    own, rest = parser.parse_known_args(argv)
    if "--queries" not in rest:
        rest = [*rest, "--queries", "q1,q2,q3"]
    opts = bench.parse_options(rest)
    executors = [name.strip() for name in own.executors.split(",") if name.strip()]
    samplers = [name.strip() for name in own.samplers.split(",") if name.strip()]
    if not _valid(executors, samplers) or own.rounds < 1:
        print(
            "tracing_bench: --executors planned,reference; --samplers always_on and/or "
            "ratios in (0, 1]; --rounds >= 1",
            file=sys.stderr,
        )
        return 2
    sink_port = bench.free_port()
    sink = [sys.executable, str(BENCH / "otlp_sink.py"), f"--port={sink_port}"]
    try:
        bench.prepare_database(opts)
        before = bench.loadavg()
        rows: list[Measured] = []
        with bench.serving("otlp-sink", sink, {}, sink_port) as receiver:
            for executor in executors:
                rows += measure(opts, executor, own.rounds, receiver.base_url, samplers)
        after = bench.loadavg()
    except bench.BenchError as exc:
        print(f"tracing_bench: invalid run, no report written: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    section = report(argv, opts, rows, (before, after))
    # Dev scales, and runs whose every round was disturbed, stay out of the record.
    every_round_disturbed = {(r.executor, r.query, r.round) for r in rows} <= disturbed_rounds(rows)
    record = opts.full_scale and not every_round_disturbed
    results = bench.RESULTS if record else bench.DEV_RESULTS
    if opts.results_given:
        results = opts.results
    bench.append_report(results, section)
    print(section)
    print(f"tracing_bench: appended to {results}", file=sys.stderr)
    return 0


def _valid(executors: Sequence[str], samplers: Sequence[str]) -> bool:
    if not executors or not set(executors) <= {"planned", "reference"} or not samplers:
        return False
    for sampler in samplers:
        if sampler == ALWAYS_ON:
            continue
        try:
            ratio = float(sampler)
        except ValueError:
            return False
        if not 0 < ratio <= 1:
            return False
    return True


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
