"""A PostgreSQL primary (migrated, seeded small) and a streaming replica, per session."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from replicas.replica import PRIMARY_SQL, REPLAY_SQL
from seed import seed_database
from tests.faults.servers import PgCluster
from tests.limits.app import SMALL_PLAN
from tests.replicas.servers import PgReplica, psql
from tests.services import _admin_execute


@dataclass
class PgPair:
    primary: PgCluster
    replica: PgReplica

    @property
    def primary_url(self) -> str:
        return self.primary.url("fleetgraph")

    @property
    def replica_url(self) -> str:
        return self.replica.url("fleetgraph")

    def replica_sql(self, sql: str) -> str:
        return psql(self.replica, sql, "fleetgraph").strip()

    def primary_sql(self, sql: str) -> str:
        return psql(self.primary, sql, "fleetgraph").strip()

    def wait_replayed(self, timeout: float = 15.0) -> None:
        """Until the replica has replayed everything the primary has written."""
        # The insert position (this primary runs synchronous_commit=off: a commit
        # may not be flushed yet), as the router reads it: moved back over a page
        # header no replay reaches while the primary is idle (replicas/replica.py).
        target = int(self.primary_sql(" ".join(PRIMARY_SQL.split())))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if int(self.replica_sql(REPLAY_SQL)) >= target:
                return
            time.sleep(0.05)
        raise TimeoutError("the replica did not catch up")


@pytest.fixture(scope="session")
def pg_pair() -> Iterator[PgPair]:
    # Not under pytest's tmp dir: that is private to root, and the servers run as postgres.
    directory = Path(tempfile.mkdtemp(prefix="fleetgraph-replicas-"))
    primary_dir, replica_dir = directory / "primary", directory / "replica"
    primary_dir.mkdir()
    replica_dir.mkdir()
    if shutil.which("runuser"):
        with contextlib.suppress(PermissionError, LookupError):
            shutil.chown(directory, "postgres")
    primary = PgCluster(primary_dir)
    primary.start()
    replica: PgReplica | None = None
    try:
        asyncio.run(_admin_execute(make_url(primary.admin_url), "CREATE DATABASE fleetgraph"))
        url = primary.url("fleetgraph")
        upgrade(url)
        asyncio.run(seed_database(url, SMALL_PLAN, progress=False))
        replica = PgReplica(replica_dir, primary)
        replica.start()
        pair = PgPair(primary, replica)
        pair.wait_replayed()
        yield pair
    finally:
        for server in (replica, primary):
            if server is not None:
                with contextlib.suppress(subprocess.CalledProcessError, TimeoutError):
                    server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
