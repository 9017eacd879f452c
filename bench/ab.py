"""Paired A/B: the same operations against two builds of the API served at once.

    .venv/bin/python bench/ab.py --a . --b ../other-checkout [--env PLANNER_ENABLED=false]
        [--queries q1,q2,q3,q4] [--rounds 3] [--duration 10] [--warmup 3]

Each build is a checkout with its own venv (`make install` in it); both serve
the benchmark database (`fleetgraph_bench`, loaded as bench/run.py does) at
once with the benchmark's production settings. Per operation both must give
the same answers (the facts bench/compare.py checks), then each round loads
A and B one after the other with wrk (the order reversed every other round,
so a machine whose speed drifts favours neither), measuring req/s and the
server's CPU milliseconds per request (utime + stime from /proc). The report
gives every round and the median CPU ms/request of each build, and B's
median relative to A's: "-6.0%" means B spends 6% less CPU per request.

This is how a private-API hook earns its keep (docs/decisions/0022): A is
the build with it, B the build without.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import compare
import run


@dataclass
class Rounds:
    cpu_ms: dict[str, list[float]] = field(default_factory=lambda: {"A": [], "B": []})
    rps: dict[str, list[float]] = field(default_factory=lambda: {"A": [], "B": []})


def _arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="checkout of build A")
    parser.add_argument("--b", type=Path, required=True, help="checkout of build B")
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for both servers (repeatable)"
    )
    parser.add_argument("--label", default="", help="what B changes, for the report")
    return parser.parse_known_args(argv)


def _start(
    stack: ExitStack, opts: run.Options, name: str, root: Path, env: dict[str, str]
) -> run.Server:
    fleetgraph = root.resolve() / ".venv/bin/fleetgraph"
    if not fleetgraph.exists():
        raise run.BenchError(f"{fleetgraph} is missing: run `make install` in {root}")
    port = run.free_port()
    command = [str(fleetgraph), "serve", "--host=127.0.0.1", f"--port={port}", "--workers=1"]
    return stack.enter_context(run.serving(f"build-{name}", command, env, port))


def measure(
    opts: run.Options, builds: dict[str, Path], extra_env: dict[str, str]
) -> dict[str, Rounds]:
    run.prepare_database(opts)
    env = {**run.api_env(opts), **extra_env}
    ops = {op.name: op for op in run.load_operations(opts)}
    results: dict[str, Rounds] = {}
    with ExitStack() as stack:
        servers = {name: _start(stack, opts, name, root, env) for name, root in builds.items()}
        for name in opts.queries:
            op = ops[name]
            answers = {
                build: compare._answers("planned", servers[build], op)[0] for build in builds
            }
            if answers["A"] != answers["B"]:
                raise run.BenchError(f"{name}: the builds answer different data")
            rounds = results[name] = Rounds()
            for number in range(opts.rounds):
                for build in ("A", "B") if number % 2 == 0 else ("B", "A"):
                    label = f"{build} {name} #{number + 1}"
                    result, cpu_ms = compare._load(opts, compare._script(op), servers[build], label)
                    rounds.cpu_ms[build].append(cpu_ms)
                    rounds.rps[build].append(result.rps)
    return results


def _commit(root: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    return found.stdout.strip() or "unknown"


def report(argv: list[str], label: str, builds: dict[str, Path], results: dict[str, Rounds]) -> str:
    lines = [
        f"## Paired A/B — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC" + (f": {label}" if label else ""),
        "",
        f"- Command: `.venv/bin/python bench/ab.py {shlex.join(argv)}`",
        *(f"- {name}: `{root}` at {_commit(root)}" for name, root in builds.items()),
        f"- Machine: {run._cpu()}; load average after: {run.loadavg()}",
        "",
        "| op | A CPU ms/req (rounds) | B CPU ms/req (rounds) | A median | B median "
        "| B vs A CPU | A req/s | B req/s |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, rounds in results.items():
        a, b = (statistics.median(rounds.cpu_ms[k]) for k in ("A", "B"))
        rps_a, rps_b = (statistics.median(rounds.rps[k]) for k in ("A", "B"))
        each = {k: ", ".join(f"{v:.3f}" for v in rounds.cpu_ms[k]) for k in ("A", "B")}
        lines.append(
            f"| {name.upper()} | {each['A']} | {each['B']} | {a:.3f} | {b:.3f} "
            f"| {(b - a) / a:+.1%} | {rps_a:,.0f} | {rps_b:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    args, rest = _arguments(argv)
    opts = run.parse_options(rest)
    extra_env = dict(item.split("=", 1) for item in args.env)
    builds = {"A": args.a, "B": args.b}
    try:
        results = measure(opts, builds, extra_env)
    except run.BenchError as exc:
        print(f"ab: invalid run: {exc}", file=sys.stderr)
        return 2
    print(report(argv, args.label, builds, results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
