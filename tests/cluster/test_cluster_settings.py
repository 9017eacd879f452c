"""REDIS_CLUSTER's effect on the response cache's construction (no servers needed)."""

from __future__ import annotations

import logging

import pytest

from cache.backends.redis import RedisBackend, cluster_prefix
from cache.factory import open_response_cache
from config import Settings


def test_cache_keys_share_one_hash_tag() -> None:
    assert cluster_prefix("fleetgraph:rc:") == "{fleetgraph:rc:}"
    assert cluster_prefix("{tenant-7}:rc:") == "{tenant-7}:rc:"  # the operator's own tag


async def test_local_copies_are_switched_off_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(redis_url="redis://127.0.0.1:7000/0", redis_cluster=True)
    with caplog.at_level(logging.WARNING, logger="fleetgraph.cache"):
        cache = open_response_cache(settings)
    assert cache is not None
    assert isinstance(cache.backend, RedisBackend)  # no NearCacheBackend around it
    assert cache.backend.prefix == "{fleetgraph:rc:}"
    assert "RESPONSE_CACHE_LOCAL_COPIES is off with REDIS_CLUSTER=true" in caplog.text
    await cache.close()
