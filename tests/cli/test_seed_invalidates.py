"""`fleetgraph seed --force` drops every cached answer it may have made stale."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from cache.backends.redis import RedisBackend
from cache.entry import Entry
from cache.hints import Scope
from db.migrate import upgrade
from seed import SeedPlan, seed_database
from tests.cache.conftest import delete_prefix
from tests.cli.test_cli import run_cli
from tests.faults.servers import spare_port
from tests.services import require_redis, throwaway_pg_database

SMALL = SeedPlan(drivers=4, trips_per_driver=1, seed=1)


async def _store(url: str, prefix: str) -> tuple[int, bool]:
    """An entry under `prefix`; (the sequence a computation would start at, stored)."""
    backend = RedisBackend.from_url(url, timeout=2.0, prefix=prefix)
    try:
        since = await backend.sequence()
        entry = Entry.of({"drivers": []}, Scope.PUBLIC, 300)
        return since, await backend.put("k", entry, ["Driver:list"], since)
    finally:
        await backend.close()


async def _after(url: str, prefix: str, since: int) -> tuple[Entry | None, bool]:
    """(the entry stored before, whether a computation that started before stores)."""
    backend = RedisBackend.from_url(url, timeout=2.0, prefix=prefix)
    try:
        entry = Entry.of({"drivers": []}, Scope.PUBLIC, 300)
        return await backend.get("k"), await backend.put("late", entry, ["Season:list"], since)
    finally:
        await backend.close()


def test_seed_force_invalidates_the_redis_cache(tmp_path: Path) -> None:
    redis_url = require_redis()
    prefix = f"fleetgraph:test:seed:{uuid.uuid4().hex}:"
    with throwaway_pg_database(prefix="fleetgraph_seedcache") as url:
        upgrade(url)
        asyncio.run(seed_database(url, SMALL, progress=False))
        since, stored = asyncio.run(_store(redis_url, prefix))
        assert stored
        try:
            result = run_cli(
                tmp_path,
                "seed", "--force", "--drivers", "3", "--trips-per-driver", "1", "--no-progress",
                DATABASE_URL=url, REDIS_URL=redis_url, RESPONSE_CACHE_KEY_PREFIX=prefix,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert "response cache: 1 entry dropped" in result.stderr
            entry, late_stored = asyncio.run(_after(redis_url, prefix, since))
            assert entry is None
            assert not late_stored  # computed from the replaced data: refused
        finally:
            asyncio.run(delete_prefix(prefix))


def test_seed_without_redis_names_the_in_process_caches(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    result = run_cli(tmp_path, "seed", "--drivers", "2", "--trips-per-driver", "1",
                     "--no-progress", DATABASE_URL=url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "invalidateResponseCache(input: {everything: true})" in result.stderr


def test_seed_says_when_redis_cannot_be_reached(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    nobody = f"redis://127.0.0.1:{spare_port()}/0"  # nothing listens there
    result = run_cli(tmp_path, "seed", "--drivers", "2", "--trips-per-driver", "1",
                     "--no-progress", DATABASE_URL=url, REDIS_URL=nobody)  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    summary, failure = result.stderr.strip().splitlines()  # the seed's summary, then why
    assert summary.startswith("seeded 2 drivers")
    assert failure.startswith("fleetgraph seed: data loaded, but the response cache was not")
    assert "invalidateResponseCache" in failure
