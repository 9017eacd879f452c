"""One PostgreSQL cluster (migrated, seeded small) and one Redis per test module."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from seed import seed_database
from tests.faults.servers import PgCluster, RedisServer
from tests.limits.app import SMALL_PLAN
from tests.services import _admin_execute


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[PgCluster]:
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="fleetgraph-faults-pg-"))
    cluster = PgCluster(directory)
    cluster.start()
    try:
        asyncio.run(_admin_execute(make_url(cluster.admin_url), "CREATE DATABASE fleetgraph"))
        url = cluster.url("fleetgraph")
        upgrade(url)
        asyncio.run(seed_database(url, SMALL_PLAN, progress=False))
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
