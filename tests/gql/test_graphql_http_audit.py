"""The GraphQL-over-HTTP audit of the `graphql-http` npm package, against `fleetgraph serve`.

`tests/gql/graphql_http_audit/` is a small Node project (package.json and
package-lock.json pin graphql-http and graphql); `npm ci` installs it on first
use (node_modules/ is git-ignored). `audit.mjs` calls graphql-http's
`auditServer({ url })` and prints the results as JSON. The server is a real
`fleetgraph serve` process on a spare loopback port, on an embedded SQLite
database with a small seed, in production mode with the production defaults
(rate limit, response cache, APQ, masked errors, `/metrics` behind a token).

Every MUST audit must pass, and every SHOULD audit passes today (61 audits:
13 MUST, 23 SHOULD, 25 MAY, all passing), so both are asserted.

One exception, a policy rather than a protocol bug: four audits send
`query Type($name: String!) { __type(name: $name) { name } }`, an introspection
query, which production refuses by default (`INTROSPECTION_DISABLED`, README,
"Security and limits"). So the main audit runs with `INTROSPECTION=true`, and
`test_production_defaults_refuse_only_the_introspection_audits` runs it again
on production defaults, where exactly these fail, each with
`INTROSPECTION_DISABLED` in the negotiated status (400 for
application/graphql-response+json, 200 for application/json):
  - 28B9 MUST allow map {variables} parameter when accepting application/json
  - 2EA1 SHOULD allow map {variables} parameter when accepting
    application/graphql-response+json
  - D6D5, 6A70 MAY allow URL-encoded JSON string {variables} parameter in GETs

Without node or npm (or when `npm ci` fails, e.g. no registry) the tests skip
with the reason, or fail with REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from config.settings import Settings
from tests.faults.servers import spare_port
from tests.services import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AUDIT_PROJECT = Path(__file__).resolve().parent / "graphql_http_audit"
MODULES = AUDIT_PROJECT / "node_modules"
INSTALL_STAMP = MODULES / ".package-lock.json"  # written by npm ci
NPM_TIMEOUT_S = 300
AUDIT_TIMEOUT_S = 60
MIN_NODE_MAJOR = 18  # graphql-http's audit uses the global fetch

PRODUCTION = {
    "ENVIRONMENT": "production",
    "JWT_SECRET": "graphql-http-audit-secret-0123456789abcdef",
    "METRICS_TOKEN": "graphql-http-audit-metrics-token",
    "RATE_LIMIT_ENABLED": "true",  # tests/conftest.py turns it off for in-process apps
    "DEMO_DRIVERS": "6",
    "DEMO_TRIPS_PER_DRIVER": "2",
    "LOG_LEVEL": "warning",
    "LOG_REQUESTS": "false",
}
# Audits whose documents introspect (`__type`), refused by production's default.
INTROSPECTION_AUDITS = {"28B9", "2EA1", "D6D5", "6A70"}

Result = dict[str, Any]


def _node_and_npm() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in [("node", node), ("npm", npm)] if not path)
        unavailable(
            f"the graphql-http audit needs Node.js >= {MIN_NODE_MAJOR} and npm: {missing} not found"
        )
    assert node is not None and npm is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    major = version.stdout.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < MIN_NODE_MAJOR:
        found = version.stdout.strip() or version.stderr.strip()
        unavailable(f"the graphql-http audit needs Node.js >= {MIN_NODE_MAJOR}, found {found!r}")
    return node, npm


def _ensure_installed(npm: str) -> None:
    """`npm ci` when node_modules is missing or older than package-lock.json."""
    lock = AUDIT_PROJECT / "package-lock.json"
    installed = (MODULES / "graphql-http" / "package.json").exists() and INSTALL_STAMP.exists()
    if installed and INSTALL_STAMP.stat().st_mtime >= lock.stat().st_mtime:
        return
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=AUDIT_PROJECT,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        unavailable(
            f"npm ci in {AUDIT_PROJECT} took over {NPM_TIMEOUT_S} s: is the npm registry reachable?"
        )
        return
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-12:])
        unavailable(
            f"npm ci in {AUDIT_PROJECT} failed (exit {done.returncode}); is the npm registry "
            f"reachable (`npm config get registry`)?\n{tail}"
        )


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = _node_and_npm()
    _ensure_installed(npm)
    return node


def _server_env(directory: Path, settings: dict[str, str]) -> dict[str, str]:
    """The caller's environment without any fleetgraph setting, then `settings`."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ours and not key.startswith("OTEL_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'audit.sqlite3'}"
    env.update(settings)
    return env


@contextmanager
def serving(directory: Path, settings: dict[str, str]) -> Iterator[str]:
    """`fleetgraph serve` on a spare loopback port; yields its /graphql URL."""
    port = spare_port()
    log = directory / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=directory,  # no .env or var/ of the checkout
            env=_server_env(directory, settings),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start:\n" + log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_audit(node: str, url: str) -> list[Result]:
    done = subprocess.run(
        [node, str(AUDIT_PROJECT / "audit.mjs"), url],
        cwd=AUDIT_PROJECT,
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"audit.mjs failed (exit {done.returncode}):\n{done.stderr}"
    results: list[Result] = json.loads(done.stdout)
    assert results, "the audit returned no results"
    return results


def audit_on(node: str, directory: Path, settings: dict[str, str]) -> list[Result]:
    with serving(directory, settings) as url:
        return run_audit(node, url)


def level(result: Result) -> str:
    return str(result["name"]).split(" ", 1)[0]  # "MUST", "SHOULD" or "MAY"


def failures(results: list[Result], wanted: str) -> list[Result]:
    return [r for r in results if level(r) == wanted and r["status"] != "ok"]


def describe(failed: list[Result]) -> str:
    return "\n".join(
        f"- {r['id']} {r['name']}: {r.get('reason')} (response: {json.dumps(r.get('response'))})"
        for r in failed
    )


@pytest.fixture(scope="module")
def results(node: str, tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The audit on production settings, introspection allowed (its documents use `__type`)."""
    directory = tmp_path_factory.mktemp("graphql_http_audit")
    return audit_on(node, directory, {**PRODUCTION, "INTROSPECTION": "true"})


def test_the_audit_covers_every_level(results: list[Result]) -> None:
    assert {level(r) for r in results} == {"MUST", "SHOULD", "MAY"}
    assert len({r["id"] for r in results}) == len(results)


def test_every_must_audit_passes(results: list[Result]) -> None:
    failed = failures(results, "MUST")
    assert not failed, f"{len(failed)} MUST audit(s) failed:\n{describe(failed)}"


def test_every_should_audit_passes(results: list[Result]) -> None:
    # All SHOULD audits pass today; a new failure is a regression (or a new audit to judge).
    failed = failures(results, "SHOULD")
    assert not failed, f"{len(failed)} SHOULD audit(s) failed:\n{describe(failed)}"


def test_production_defaults_refuse_only_the_introspection_audits(
    node: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Production keeps introspection off (INTROSPECTION unset): the four audits whose
    # documents use `__type` are refused with INTROSPECTION_DISABLED, nothing else fails.
    directory = tmp_path_factory.mktemp("graphql_http_audit_defaults")
    results = audit_on(node, directory, PRODUCTION)
    failed = [r for r in results if r["status"] != "ok"]
    assert {r["id"] for r in failed} == INTROSPECTION_AUDITS, describe(failed)
    for result in failed:
        response = result["response"]
        body = json.loads(response["body"])
        assert "data" not in body, describe([result])
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INTROSPECTION_DISABLED"]
        media = response["contentType"].split(";")[0]
        expected = 400 if media == "application/graphql-response+json" else 200
        assert response["status"] == expected, describe([result])
