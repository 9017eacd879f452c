"""`bench/run.py --targets ...`: the planner against PostGraphile v5 (issue 4, "Benchmark").

One run serves every chosen target on the same database at once (an idle
server costs no CPU) and, per operation, loads them one after the other, so
each ratio compares measurements taken minutes apart, not a whole run apart:

- postgraphile: PostGraphile v5 (bench/postgraphile_target.py);
- reference: `fleetgraph serve` with PLANNER_ENABLED=false;
- planned: `fleetgraph serve` with PLANNER_ENABLED=true (the default).

Before loading, every target answers each operation without errors, and the
targets must agree on the answers' facts (names, plates, counts, distances):
the documents are equivalent, not just similar. Per target and operation:
req/s, p50/p99, SQL statements per request, server CPU ms per request; the
ceiling as in the default run. The report (bench/report_compare.py) checks
the acceptance: planner >= 2.0x PostGraphile's req/s on Q1, Q2, Q4, >= 1.5x
on Q3, p99 no worse than PostGraphile's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import postgraphile_target as pgt
import report_compare
import run

TARGETS = ("postgraphile", "reference", "planned")


def parse_targets(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in TARGETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated subset of {','.join(TARGETS)}, got {text!r}"
        )
    return tuple(name for name in TARGETS if name in names)  # fixed order: comparable reports


class Op(Protocol):
    """run.Operation (our documents) or postgraphile_target.PgOperation."""

    @property
    def name(self) -> str: ...

    def bodies(self, count: int) -> list[bytes]: ...


def _script(op: Op) -> Path:
    if isinstance(op, pgt.PgOperation):
        return op.script()
    assert isinstance(op, run.Operation)
    return run.operation_script(op)


@dataclass
class Measurement:
    target: str
    op: str
    result: run.WrkResult
    statements: float
    cpu_ms: float  # server process tree, per completed request
    response_bytes: int


@dataclass
class Comparison:
    targets: tuple[str, ...]
    rows: list[Measurement]
    rss_kib: dict[str, int]
    versions: dict[str, str]
    season_id: int

    def row(self, target: str, op: str) -> Measurement | None:
        return next((r for r in self.rows if r.target == target and r.op == op), None)


# ---------------------------------------------------------------- per target


def _our_fingerprint(name: str, data: dict[str, Any]) -> Any:
    """Our answer's facts, in the shape of postgraphile_target.fingerprint."""
    nodes = pgt._nodes
    if name == "q1":
        return [
            (d["name"], (d["vehicle"] or {}).get("plate"), [d["riskScore"]["score"]][:1])
            if d["riskScore"]
            else (d["name"], (d["vehicle"] or {}).get("plate"), [])
            for d in nodes(data["drivers"])
        ]
    if name == "q2":
        return [
            (
                d["name"],
                d["trips"]["totalCount"],
                [(t["distanceKm"], len(nodes(t["safetyEvents"]))) for t in nodes(d["trips"])],
            )
            for d in nodes(data["drivers"])
        ]
    if name == "q3":
        d = data["driver"]
        plate = (d["vehicle"] or {}).get("plate")
        return (d["name"], plate, [t["distanceKm"] for t in nodes(d["trips"])])
    return [
        (e["driver"]["name"], (e["driver"]["vehicle"] or {}).get("plate"), e["stats"]["trips"])
        for e in nodes(data["leaderboard"])
    ]


def _answers(target: str, server: run.Server, op: Op) -> tuple[Any, int]:
    """Checked answers (HTTP 200, data, no errors): their fingerprint and size."""
    prints, size = [], 0
    for body in op.bodies(5):  # Q3: five drivers; the others: one document, five times
        status, raw = run.http(server.base_url + "/graphql", body)
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if status != 200 or not isinstance(answer, dict):
            raise run.BenchError(f"{target} {op.name}: HTTP {status}: {raw[:300]!r}")
        if answer.get("errors") or not answer.get("data"):
            raise run.BenchError(f"{target} {op.name}: {json.dumps(answer)[:500]}")
        data = answer["data"]
        if target == "postgraphile":
            prints.append(pgt.fingerprint(op.name, data))
        else:
            problem = run.CHECKS[op.name](data)
            if problem:
                raise run.BenchError(f"{target} {op.name}: {problem}")
            prints.append(_our_fingerprint(op.name, data))
        size = len(raw)
    return prints, size


def _statements(target: str, server: run.Server, op: Op) -> float:
    if isinstance(op, run.Operation):
        return run.statements_per_request(server, op, run.STATEMENT_SAMPLES)
    before = pgt.statements_total(server)
    for body in op.bodies(run.STATEMENT_SAMPLES):
        status, raw = run.http(server.base_url + "/graphql", body)
        if status != 200 or b'"errors":' in raw:
            raise run.BenchError(f"postgraphile {op.name}: HTTP {status}: {raw[:300]!r}")
    return (pgt.statements_total(server) - before) / run.STATEMENT_SAMPLES


def _server_ticks(root: int) -> int:
    """CPU ticks (user + system) of a server and every process it started."""
    return sum(run._process_ticks(pid)[1] for pid in (root, *run._descendants(root)))


def _load(
    opts: run.Options, script: Path, server: run.Server, label: str
) -> tuple[run.WrkResult, float]:
    """run.load(), plus the server's CPU over the measured run only (not the warm-up)."""
    url, raw = server.base_url + "/graphql", re.sub(r"\W+", "-", label).strip("-")
    run.wait_for_quiet(opts)
    if opts.warmup:
        warm = run.wrk(opts, script, url, opts.warmup, f"{label} warm-up", raw_name=f"{raw}-w")
        run.require_clean(f"{label} warm-up", warm)
    before = _server_ticks(server.process.pid)
    result = run.wrk(opts, script, url, opts.duration, label, raw_name=raw)
    ticks = _server_ticks(server.process.pid) - before
    run.require_clean(label, result)
    cpu_ms = ticks * 1000 / run.CLOCK_TICKS / max(result.requests, 1)
    run.log(
        f"{label}: {result.rps:,.1f} req/s, p50 {result.p50_ms:.2f} ms, p99 "
        f"{result.p99_ms:.2f} ms, {cpu_ms:.2f} CPU ms/request; other processes "
        f"{result.other_cpu:.0%} CPU"
    )
    return result, cpu_ms


def _median(rounds: list[tuple[run.WrkResult, float]]) -> tuple[run.WrkResult, float]:
    """The round with the median throughput (the lower middle one for an even count),
    kept whole so its latencies and CPU belong to the same run."""
    ordered = sorted(rounds, key=lambda measured: measured[0].rps)
    return ordered[(len(ordered) - 1) // 2]


def _start(stack: ExitStack, opts: run.Options, target: str) -> run.Server:
    port = run.free_port()
    if target == "postgraphile":
        command, env = pgt.command_and_env(opts, port)
    else:
        command = [str(run.VENV_BIN / "fleetgraph"), "serve", "--host=127.0.0.1"]
        command += [f"--port={port}", "--workers=1"]
        env = run.api_env(opts)
        env["PLANNER_ENABLED"] = "true" if target == "planned" else "false"
    return stack.enter_context(run.serving(target, command, env, port))


async def _active_season(opts: run.Options) -> int:
    conn = await run._connect(opts.admin_url, opts.database)
    try:
        season = await conn.fetchval(
            "SELECT id FROM seasons WHERE starts_at <= now() AND ends_at > now() "
            "ORDER BY starts_at DESC LIMIT 1"
        )
    finally:
        await conn.close()
    if season is None:
        raise run.BenchError("no active season: Q4 has no leaderboard")
    return int(season)


def measure(opts: run.Options) -> Comparison:
    targets: tuple[str, ...] = opts.targets
    season = asyncio.run(_active_season(opts))
    ops: dict[str, dict[str, Op]] = {}
    if "postgraphile" in targets:
        pgt.ensure_installed()
        ops["postgraphile"] = dict(pgt.load_operations(opts, season))
    ours: dict[str, Op] = {op.name: op for op in run.load_operations(opts)}
    ops.update({target: ours for target in targets if target != "postgraphile"})
    versions = pgt.versions() if "postgraphile" in targets else {}
    comparison = Comparison(targets, [], {}, versions, season)
    with ExitStack() as stack:
        servers = {target: _start(stack, opts, target) for target in targets}
        for name in opts.queries:
            prints = {t: _answers(t, servers[t], ops[t][name]) for t in targets}
            first = targets[0]
            for target in targets[1:]:
                if prints[target][0] != prints[first][0]:
                    raise run.BenchError(
                        f"{name}: {target} and {first} answer different data:\n"
                        f"{str(prints[target][0])[:400]}\n{str(prints[first][0])[:400]}"
                    )
            statements = {t: _statements(t, servers[t], ops[t][name]) for t in targets}
            rounds: dict[str, list[tuple[run.WrkResult, float]]] = {t: [] for t in targets}
            for number in range(opts.rounds):
                # Alternate, reversing the order every other round: a machine whose speed
                # drifts over minutes favours no target.
                for target in targets if number % 2 == 0 else targets[::-1]:
                    server, op = servers[target], ops[target][name]
                    label = f"{target} {name}" + (f" #{number + 1}" if opts.rounds > 1 else "")
                    rounds[target].append(_load(opts, _script(op), server, label))
            for target in targets:
                result, cpu_ms = _median(rounds[target])
                comparison.rows.append(
                    Measurement(target, name, result, statements[target], cpu_ms, prints[target][1])
                )
        for target, server in servers.items():
            pid = run.serving_pid(server.process.pid)
            comparison.rss_kib[target] = run._status_kib(pid, "VmRSS")
    return comparison


# ---------------------------------------------------------------- main


def main(opts: run.Options) -> int:
    """The comparison run, end to end (run.main has checked wrk and set the
    SIGTERM handler); exit status as run.main's."""
    try:
        bench_run = run.Run(started=datetime.now(UTC), dataset=run.prepare_database(opts))
        bench_run.load_before = run.loadavg()
        bench_run.ceilings.append(run.ceiling_run(opts, "ceiling (before)"))
        comparison = measure(opts)
        bench_run.ceilings.append(run.ceiling_run(opts, "ceiling (after)"))
        bench_run.load_after = run.loadavg()
    except run.BenchError as exc:
        print(f"bench: invalid run, no report written: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted, no report written", file=sys.stderr)
        return 130
    section, verdict = report_compare.report(opts, bench_run, comparison)
    disturbed = report_compare.disturbed(bench_run, comparison)
    results = opts.results
    if disturbed and opts.results == run.RESULTS and not opts.results_given:
        results = run.DEV_RESULTS  # an inconclusive run does not go into the record
    run.append_report(results, section)
    print(section)
    print(f"bench: appended to {results}", file=sys.stderr)
    if disturbed:
        print(f"bench: inconclusive: disturbed during {', '.join(disturbed)}", file=sys.stderr)
        return 3
    return 0 if verdict in (None, True) else 1
