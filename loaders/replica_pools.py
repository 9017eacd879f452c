"""The replica router from settings: read pools per DATABASE_READ_URLS entry (replicas/)."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from config import Settings
from loaders.database import create_read_pools
from loaders.read_pool import ReadPools
from replicas import ReplicaRouter
from replicas.replica import Replica


async def open_router(settings: Settings, primary: ReadPools) -> ReplicaRouter | None:
    """None without DATABASE_READ_URLS; else a started router (its first check done)."""
    urls = settings.read_urls
    if not urls:
        return None
    replicas = []
    for url in urls:
        pools = await create_read_pools(
            url,
            settings.database_pool_size,
            settings.database_statement_timeout_ms,
            check=False,
        )
        parsed = make_url(url)
        replicas.append(Replica(f"{parsed.host}:{parsed.port}/{parsed.database}", pools))
    router = ReplicaRouter(
        primary,
        replicas,
        max_lag=settings.database_replica_max_lag_seconds,
        check_every=settings.database_replica_check_seconds,
        wait=settings.database_consistency_wait_seconds,
    )
    await router.start()
    return router
