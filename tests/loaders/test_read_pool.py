"""The read pool on a real PostgreSQL: bounded, reused, and never hands out a
connection whose state a failure left unknown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.faults import SERVICE_UNAVAILABLE, fault_code
from loaders.database import create_read_pools
from loaders.read_pool import ReadPool, ReadPoolClosed, ReadPools

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def pools(pg_url: str) -> AsyncIterator[ReadPools]:
    opened = await create_read_pools(pg_url, 2)
    yield opened
    await opened.close()


@pytest.fixture
def pool(pools: ReadPools) -> ReadPool:
    return pools.generic


async def backend_pids(pool: ReadPool, count: int) -> set[int]:
    """The server pids of the connections `count` concurrent reads use."""
    rows = await asyncio.gather(
        *(pool.fetch("SELECT pg_backend_pid(), pg_sleep(0.05)") for _ in range(count))
    )
    return {records[0][0] for records in rows}


async def test_concurrent_reads_share_at_most_size_connections(pool: ReadPool) -> None:
    pids = await backend_pids(pool, 10)
    assert len(pids) == 2
    assert pool.get_size() == 2
    assert pool.get_idle_size() == 2
    assert await backend_pids(pool, 10) == pids  # reused, not reopened


async def test_a_server_error_keeps_the_connection(pool: ReadPool) -> None:
    [[pid]] = await pool.fetch("SELECT pg_backend_pid()")
    with pytest.raises(asyncpg.DivisionByZeroError):
        await pool.fetch("SELECT 1 / $1::int", [0])
    assert pool.get_size() == 1
    assert await pool.fetch("SELECT pg_backend_pid()") == [(pid,)]


async def test_a_cancelled_read_terminates_its_connection(pool: ReadPool) -> None:
    [[pid]] = await pool.fetch("SELECT pg_backend_pid()")
    slow = asyncio.ensure_future(pool.fetch("SELECT pg_sleep(30)"))
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    assert pool.get_size() == 0  # not handed to the next read mid-cancellation
    [[other]] = await pool.fetch("SELECT pg_backend_pid()")
    assert other != pid
    assert pool.get_size() == 1


async def test_a_connection_the_server_closed_is_replaced(pool: ReadPool, pg_url: str) -> None:
    [[pid]] = await pool.fetch("SELECT pg_backend_pid()")
    admin = await asyncpg.connect(pg_url.replace("+asyncpg", ""))
    try:
        killed = await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    assert killed is True
    await asyncio.sleep(0.2)  # the idle connection reads its end
    [[fresh]] = await pool.fetch("SELECT pg_backend_pid()")  # not an error: a new connection
    assert fresh != pid
    assert pool.get_size() == 1


async def test_a_cancelled_waiter_leaves_the_pool_whole(pg_url: str) -> None:
    pools = await create_read_pools(pg_url, 1)
    pool = pools.generic
    try:
        busy = asyncio.ensure_future(pool.fetch("SELECT pg_sleep(0.3)"))
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(pool.fetch("SELECT 1"))
        await asyncio.sleep(0.05)
        waiting.cancel()
        await busy
        assert await asyncio.wait_for(pool.fetch("SELECT 2"), 2) == [(2,)]
        assert (pool.get_size(), pool.get_idle_size()) == (1, 1)
    finally:
        await pools.close()


async def test_a_closed_pool_refuses_reads_as_an_outage(pg_url: str) -> None:
    pools = await create_read_pools(pg_url, 1)
    pool = pools.generic
    await pools.close()
    assert pool.get_size() == 0
    with pytest.raises(ReadPoolClosed) as closed:
        await pool.fetch("SELECT 1")
    assert fault_code(closed.value) == SERVICE_UNAVAILABLE


async def test_each_pool_plans_its_own_way(pools: ReadPools) -> None:
    """docs/decisions/0017-read-plans.md"""
    setting = "SELECT current_setting('plan_cache_mode')"
    assert await pools.generic.fetch(setting) == [("force_generic_plan",)]
    assert await pools.custom.fetch(setting) == [("force_custom_plan",)]
