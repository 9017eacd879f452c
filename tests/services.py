"""Where the test suite finds PostgreSQL and Redis, and what to do without them.

TEST_DATABASE_URL points at a PostgreSQL server the tests may CREATE DATABASE
on (default: the local trust-auth server); TEST_REDIS_URL at a Redis server.
Without a reachable server the cases that need it skip with the reason, or
fail when REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from db.migrate import upgrade

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip (laptop) or fail (CI) a test whose service is missing."""
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def pg_admin_url() -> URL:
    return make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL))


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


async def _admin_execute(admin: URL, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        database=admin.database or "postgres",
        timeout=5,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def throwaway_pg_database(prefix: str = "fleetgraph_test") -> Iterator[str]:
    """CREATE DATABASE for the duration of the block; yields its async URL."""
    admin = pg_admin_url()
    if not _reachable(admin.host or "127.0.0.1", admin.port or 5432):
        unavailable(f"PostgreSQL not reachable at {admin.render_as_string(hide_password=True)}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        asyncio.run(_admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def migrated_database(backend: str, directory: Path, prefix: str) -> Iterator[str]:
    """A migrated, empty database for the block: `backend` "sqlite" (a file in
    `directory`) or "postgresql" (a throwaway database named from `prefix`)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'db.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_pg_database(prefix=prefix) as url:
        upgrade(url)
        yield url


def require_redis() -> str:
    url = make_url(redis_url().replace("redis://", "redis+x://", 1))
    if not _reachable(url.host or "127.0.0.1", url.port or 6379):
        unavailable(f"Redis not reachable at {redis_url()}")
    return redis_url()
