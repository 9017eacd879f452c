"""A PostgreSQL primary and a streaming replica of the test's own, on spare ports.

The primary is `tests.faults.servers.PgCluster` (initdb); the replica is a
`pg_basebackup -R` of it (a standby that streams from the primary), started on
another spare port. As root both run as the `postgres` user.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.faults.servers import PG_BIN, PgCluster, spare_port


class PgReplica(PgCluster):
    """A standby of `primary`: its data directory copied by pg_basebackup, which
    writes the `primary_conninfo` and `standby.signal` (-R) that make it stream."""

    def __init__(self, directory: Path, primary: PgCluster) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = spare_port()
        self._as_postgres = primary._as_postgres
        if self._as_postgres:
            shutil.chown(directory, "postgres")
        self._run(
            [str(PG_BIN / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream",
             "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "--no-sync",
             "--checkpoint", "fast"]
        )  # fmt: skip


def psql(cluster: PgCluster, sql: str, database: str = "postgres") -> str:
    """One statement's output, unaligned (for the fixtures' checks)."""
    command = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U",
               "postgres", "-d", database, "-Atc", sql]  # fmt: skip
    return subprocess.run(command, capture_output=True, check=True, text=True, timeout=30).stdout
