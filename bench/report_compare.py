"""The Markdown section of a `bench/run.py --targets ...` run (see compare.py)."""

from __future__ import annotations

import os
import platform
import shlex
from typing import TYPE_CHECKING

import run

if TYPE_CHECKING:
    from compare import Comparison

# Issue 4's acceptance: planner req/s at least this multiple of PostGraphile's.
REQUIRED_SPEEDUP = {"q1": 2.0, "q2": 2.0, "q3": 1.5, "q4": 2.0}
LABELS = {"postgraphile": "PostGraphile", "reference": "reference", "planned": "planner"}

# How bench/postgraphile/queries differ from bench/queries (docs/decisions/0009).
DEVIATIONS = (
    "Q1: the latest risk score is `riskScoresByDriverId(first: 1, orderBy: "
    "[COMPUTED_AT_DESC, ROW_ID_DESC]) { nodes { score level } }`, a one-row connection "
    "where ours has a to-one field; the same row (latest computed_at, then highest id).",
    "Q3: `driverByRowId(rowId: Int!)` takes the row id; ours takes the global id of the "
    "same driver (both drawn from the same seeded sample).",
    "Q4: PostGraphile has no leaderboard: `allDriverSeasonStats(condition: {seasonId}, "
    "orderBy: [SAFETY_SCORE_DESC, DRIVER_ID_ASC])` reads the same rows of "
    "driver_season_stats in the same order (the stored distance-weighted safety score our "
    "leaderboard ranks by); the active season's id is a variable resolved once by the "
    "harness (our server resolves it from its season calendar); no `rank` (ours computes "
    "RANK() in the same statement); `seasonBySeasonId { name }` per row where ours has one "
    "`season { name }`.",
    "Orderings spell out our tie-breaks (NAME_ASC, ROW_ID_ASC; STARTED_AT_DESC, "
    "ROW_ID_DESC; OCCURRED_AT_ASC, ROW_ID_ASC). Before loading, the harness checks that "
    "the targets' answers agree on names, plates, counts and distances.",
)


def _verdicts(comparison: Comparison) -> list[tuple[str, float, float, float, bool]]:
    """(op, speedup, planner p99, PostGraphile p99, passed) per operation."""
    verdicts = []
    for op, required in REQUIRED_SPEEDUP.items():
        planned = comparison.row("planned", op)
        theirs = comparison.row("postgraphile", op)
        if planned is None or theirs is None:
            continue
        speedup = planned.result.rps / theirs.result.rps
        p99, their_p99 = planned.result.p99_ms, theirs.result.p99_ms
        verdicts.append((op, speedup, p99, their_p99, speedup >= required and p99 <= their_p99))
    return verdicts


def disturbed(bench_run: run.Run, comparison: Comparison) -> list[str]:
    names = ("ceiling (before)", "ceiling (after)")
    shares = [(name, c.other_cpu) for name, c in zip(names, bench_run.ceilings, strict=False)]
    shares += [(f"{r.target} {r.op.upper()}", r.result.other_cpu) for r in comparison.rows]
    return [name for name, share in shares if share >= run.QUIET_SHARE]


def _header(opts: run.Options, bench_run: run.Run, comparison: Comparison) -> list[str]:
    ds, ceiling = bench_run.dataset, bench_run.ceiling
    direct = shlex.join([".venv/bin/python", "bench/run.py", *opts.argv])
    scale = f"{opts.drivers:,} drivers x {opts.trips_per_driver} trips" + (
        "" if opts.full_scale else " (dev scale, NOT the benchmark scale)"
    )
    v = comparison.versions
    lines = [
        f"## Planner vs PostGraphile v5 — {bench_run.started:%Y-%m-%d %H:%M} UTC",
        "",
        f'- Command: `make bench ARGS="{shlex.join(opts.argv)}"` (= `{direct}`), '
        f"commit {run._git()}.",
        f"- Machine: {os.cpu_count()} cores ({run._cpu()}), shared by the servers, PostgreSQL "
        f"and wrk; load average {bench_run.load_before} before, {bench_run.load_after} after.",
        f"- Data: {scale}, seed {run.SEED}: {ds.drivers:,} drivers, {ds.trips:,} trips, "
        f"{ds.safety_events:,} safety events in `{opts.database}`, revision {ds.revision}; "
        f"{ds.note}. Active season id {comparison.season_id}.",
        "- Targets, all serving at once, loaded one after the other per operation: "
        "reference = `fleetgraph serve --workers 1` with PLANNER_ENABLED=false, planner = "
        "the same with PLANNER_ENABLED=true (ENVIRONMENT=production, LOG_LEVEL=warning, no "
        f"REDIS_URL; Python {platform.python_version()})",
    ]
    if v:
        lines[-1] += (
            f"; PostGraphile = postgraphile {v['postgraphile']} (grafast {v['grafast']}, "
            f"grafserv {v['grafserv']}, @dataplan/pg {v['@dataplan/pg']}, pg {v['pg']}) on "
            f"Node {v['node']}, amber preset, GRAPHILE_ENV=production, no GraphiQL, one node "
            "process (bench/postgraphile/server.mjs); both sides use a 10-connection pool"
        )
    lines[-1] += "."
    lines += [
        f"- Load: {run._wrk_version()}, {opts.threads} threads, {opts.connections} "
        f"connections, {opts.duration} s per target and operation after a {opts.warmup} s "
        f"warm-up; Q3 draws one of {run.RANDOM_IDS:,} random drivers per request. Every "
        "response was checked: no failed request, no GraphQL error."
        + (
            f" Each operation was measured in {opts.rounds} rounds, the targets alternating "
            "(order reversed every other round); each row is that target's median round "
            "by req/s."
            if opts.rounds > 1
            else ""
        ),
        "- SQL statements/request: around "
        f"{run.STATEMENT_SAMPLES} sequential requests; ours from `fleetgraph_sql_statements_"
        "total` on /metrics, PostGraphile's from a counter on its pg clients' `query` calls "
        "(server.mjs; pg_stat_statements is not preloaded here).",
        "- Server CPU ms/request: utime + stime of the server's process tree "
        "(/proc/<pid>/stat) over the measured run, divided by the completed requests.",
        f"- Ceiling (bench/ceiling_app.py, as in the default run): **{ceiling.rps:,.0f} "
        "req/s** (the two runs: "
        + " and ".join(f"{c.rps:,.0f}" for c in bench_run.ceilings)
        + " req/s).",
        "",
    ]
    return lines


def report(
    opts: run.Options, bench_run: run.Run, comparison: Comparison
) -> tuple[str, bool | None]:
    """(section, verdict): verdict None when the run lacks the planner or PostGraphile."""
    lines = _header(opts, bench_run, comparison)
    lines += [
        "| op | target | req/s | p50 ms | p99 ms | SQL statements/request "
        "| server CPU ms/request | ratio to ceiling |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in comparison.rows:
        w = r.result
        lines.append(
            f"| {r.op.upper()} | {LABELS[r.target]} | {w.rps:,.1f} | {w.p50_ms:,.1f} "
            f"| {w.p99_ms:,.1f} | {r.statements:g} | {r.cpu_ms:.2f} "
            f"| {run._ratio(w.rps / bench_run.ceiling.rps)} |"
        )
    verdicts = _verdicts(comparison)
    if verdicts:
        lines += [
            "",
            "| op | planner / PostGraphile req/s | required | planner p99 ms "
            "| PostGraphile p99 ms | pass/fail |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for op, speedup, p99, their_p99, passed in verdicts:
            lines.append(
                f"| {op.upper()} | {speedup:.2f}x | {REQUIRED_SPEEDUP[op]:.1f}x | {p99:,.1f} "
                f"| {their_p99:,.1f} | {'pass' if passed else '**FAIL**'} |"
            )
    busy = disturbed(bench_run, comparison)
    sizes = {(r.target, r.op): r.response_bytes for r in comparison.rows}
    lines += [
        "",
        "Response sizes: "
        + ", ".join(f"{LABELS[t]} {o.upper()} {n:,} B" for (t, o), n in sizes.items())
        + ".",
        "",
        "Server RSS after the load: "
        + ", ".join(f"{LABELS[t]} {kib / 1024:,.0f} MiB" for t, kib in comparison.rss_kib.items())
        + ".",
        "",
        "Equivalent documents (bench/postgraphile/queries): " + " ".join(DEVIATIONS),
        "",
    ]
    if busy:
        lines += [
            f"**Disturbed (other processes >= {run.QUIET_SHARE:.0%} CPU): "
            f"{', '.join(busy)}; not conclusive.**",
            "",
        ]
    failed = [op.upper() for op, *_, passed in verdicts if not passed]
    verdict = None if not verdicts else not failed
    lines += [
        "Verdict: "
        + ("inconclusive (disturbed run); " if busy else "")
        + (
            "no acceptance check (needs the planned and postgraphile targets)."
            if verdict is None
            else "planner meets the acceptance on every operation."
            if verdict
            else f"acceptance NOT met for {', '.join(failed)}."
        ),
        "",
    ]
    return "\n".join(lines), verdict
