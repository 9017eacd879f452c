"""Time `seed_database` at benchmark scale on a throwaway PostgreSQL database.

    .venv/bin/python bench/seed_bench.py [--drivers 10000] [--trips-per-driver 100]

Creates a fresh database on the server of BENCH_DATABASE_URL (default: the
local trust-auth server), migrates it, seeds it once (timed), prints the
figure and drops the database, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

# Run as a script: put the project (not bench/) first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.migrate import upgrade
from seed import SeedPlan, seed_database

DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BUDGET_S = 90.0
# Pinned so every run loads the same rows (the seed is deterministic per anchor).
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)


async def _admin(admin: URL, sql: str) -> None:
    conn = await asyncpg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        database=admin.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=10_000)
    parser.add_argument("--trips-per-driver", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--progress", action="store_true", help="show the progress bar")
    args = parser.parse_args()
    plan = SeedPlan(args.drivers, args.trips_per_driver, seed=args.seed, anchor=ANCHOR)

    admin = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_ADMIN_URL))
    name = f"fleetgraph_seed_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        url = admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
        upgrade(url)
        wall = time.perf_counter()
        summary = asyncio.run(seed_database(url, plan, progress=args.progress))
        wall = time.perf_counter() - wall
    finally:
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(summary.describe())
    print(
        f"rows: {summary.rows:,} (drivers {summary.drivers:,}, vehicles {summary.vehicles:,}, "
        f"risk_scores {summary.risk_scores:,}, trips {summary.trips:,}, "
        f"safety_events {summary.safety_events:,}, seasons {summary.seasons}, "
        f"driver_season_stats {summary.driver_season_stats:,})"
    )
    verdict = "within" if wall <= BUDGET_S else "OVER"
    print(f"seed_database wall time: {wall:.1f} s ({verdict} the {BUDGET_S:.0f} s budget)")
    if wall > BUDGET_S:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
