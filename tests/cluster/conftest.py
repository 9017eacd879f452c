"""A Redis Cluster (three masters, a replica each) per session, and a database of
its own (migrated, seeded small) on the shared PostgreSQL for the apps it serves."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from seed import seed_database
from tests.cluster.servers import RedisClusterNodes
from tests.limits.app import SMALL_PLAN
from tests.services import throwaway_pg_database


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisClusterNodes]:
    directory = Path(tempfile.mkdtemp(prefix="fleetgraph-cluster-"))
    nodes = RedisClusterNodes(directory)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster_db_url() -> Iterator[str]:
    with throwaway_pg_database("fleetgraph_cluster") as url:
        upgrade(url)
        asyncio.run(seed_database(url, SMALL_PLAN, progress=False))
        yield url
