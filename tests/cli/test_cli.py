"""The `fleetgraph` command as a user runs it: a subprocess, exit status, stderr.

Every user-caused failure must end as exit status 1 and one line on stderr,
never a traceback. The child runs in a temporary directory (so no `.env` or
`var/` of the checkout leaks in) with only the settings each case sets.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from auth import decode_token
from db.migrate import head_revision, upgrade

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-for-cli-tokens-0123456789abcdef"  # >= 32 bytes: no PyJWT warning
UNREACHABLE_URL = "postgresql+asyncpg://postgres@127.0.0.1:1/nope"
SETTINGS_VARS = (
    "ENVIRONMENT",
    "DATABASE_URL",
    "DATABASE_POOL_SIZE",
    "REDIS_URL",
    "LOG_LEVEL",
    "JWT_SECRET",
    "JWT_TTL_SECONDS",
    "JWT_AUDIENCE",
    "JWT_ISSUER",
    "SEED_ON_EMPTY",
    "DEMO_DRIVERS",
    "DEMO_TRIPS_PER_DRIVER",
    "DEMO_SEED",
)


def run_cli(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update(settings)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def sqlite_revision(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as conn, conn:  # commits, then closes
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def test_migrate_fresh_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"

    result = run_cli(tmp_path, "migrate", DATABASE_URL=f"sqlite+aiosqlite:///{path}")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sqlite_revision(path) == head_revision()


def test_migrate_unreachable_database(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate", DATABASE_URL=UNREACHABLE_URL)

    line = assert_one_line_failure(result)
    assert line.startswith("fleetgraph migrate:")


def test_migrate_unknown_revision(tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    with closing(sqlite3.connect(path)) as conn, conn:  # commits, then closes
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffff'")

    result = run_cli(tmp_path, "migrate", DATABASE_URL=url)

    line = assert_one_line_failure(result)
    assert "ffffffff" in line
    assert sqlite_revision(path) == "ffffffff"


@pytest.mark.parametrize("role", ["admin", "reader"])
def test_token_is_accepted_by_decode(tmp_path: Path, role: str) -> None:
    result = run_cli(tmp_path, "token", "--role", role, JWT_SECRET=SECRET)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    viewer = decode_token(SECRET, result.stdout.strip())
    assert viewer.role == role
    assert viewer.is_admin is (role == "admin")


def test_production_without_jwt_secret_is_refused(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "token",
        ENVIRONMENT="production",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}",
    )

    line = assert_one_line_failure(result)
    assert "JWT_SECRET" in line
    assert result.stdout == ""


def test_production_refuses_a_short_jwt_secret_without_echoing_it(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "serve",
        ENVIRONMENT="production",
        JWT_SECRET="tiny-secret-value",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}",
    )

    line = assert_one_line_failure(result)
    assert "JWT_SECRET must be at least 32 bytes" in line
    assert "tiny-secret-value" not in result.stderr
    assert not (tmp_path / "unused.sqlite3").exists()  # refused before anything started


def test_token_carries_the_configured_audience_and_issuer(tmp_path: Path) -> None:
    settings = {"JWT_SECRET": SECRET, "JWT_AUDIENCE": "fleet-api", "JWT_ISSUER": "https://id"}
    result = run_cli(tmp_path, "token", "--role", "reader", **settings)

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    viewer = decode_token(SECRET, token, audience="fleet-api", issuer="https://id")
    assert viewer.role == "reader"
