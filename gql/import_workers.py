"""The import workers a server process runs next to the API (IMPORT_WORKERS).

They share the job table with every other process and host, use an engine
of their own each (IMPORT_POOL_SIZE connections, apart from the pools that
serve reads), and invalidate this process's response cache after each batch (with
Redis, the cache every process shares). Stopping the server hands a running
job back to the queue at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cache.service import ResponseCache
from config import Settings
from db import create_engine
from ingest import Options, Worker


@asynccontextmanager
async def import_workers(settings: Settings, cache: ResponseCache | None) -> AsyncIterator[None]:
    if settings.import_workers == 0:
        yield
        return
    # An engine per worker: a running job holds one connection, its heartbeats another.
    engines = [
        create_engine(settings.database_url, pool_size=settings.import_pool_size)
        for _ in range(settings.import_workers)
    ]

    async def invalidate(tags: set[str]) -> None:
        if cache is not None:
            await cache.invalidate(tags)

    options = Options(
        batch_rows=settings.import_batch_rows,
        pause_seconds=settings.import_batch_pause_seconds,
        lease_seconds=settings.import_lease_seconds,
    )
    tasks = [
        asyncio.create_task(
            Worker(
                engine,
                options,
                max_attempts=settings.import_max_attempts,
                poll_seconds=settings.import_poll_seconds,
                invalidate=invalidate,
                spool_dir=settings.import_spool_dir,
            ).run_forever()
        )
        for engine in engines
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for engine in engines:
            await engine.dispose()
