"""The test bed itself: the replica streams from the primary and refuses writes."""

from __future__ import annotations

import subprocess

import pytest

from tests.replicas.conftest import PgPair


def test_replica_streams_from_the_primary(pg_pair: PgPair) -> None:
    assert pg_pair.replica_sql("SELECT pg_is_in_recovery()") == "t"
    assert pg_pair.primary_sql("SELECT count(*) FROM pg_stat_replication") == "1"
    pg_pair.primary_sql("CREATE TABLE bed_check (n int); INSERT INTO bed_check VALUES (7)")
    pg_pair.wait_replayed()
    assert pg_pair.replica_sql("SELECT n FROM bed_check") == "7"
    with pytest.raises(subprocess.CalledProcessError):
        pg_pair.replica_sql("INSERT INTO bed_check VALUES (8)")
    pg_pair.primary_sql("DROP TABLE bed_check")
