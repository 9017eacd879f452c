"""A miss the fast path reads is handed over to the general route with its look-up:
the cache is read as often as when the general route reads the request itself."""

from __future__ import annotations

from typing import Any

import pytest

from cache.service import ResponseCache
from tests.cache.client import serving

QUERY = "query Seasons { seasons(first: 2) { nodes { name } } }"


async def test_a_handed_over_miss_is_looked_up_once(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    get = ResponseCache.get

    async def counted(self: ResponseCache, key: str) -> Any:
        reads.append(key)
        return await get(self, key)

    monkeypatch.setattr(ResponseCache, "get", counted)
    async with serving(seeded_url) as client:
        general = {"query": QUERY, "extensions": {"tests": True}}  # the general route's
        first = await client.http.post("/graphql", json=general)
        assert first.json()["extensions"]["cache"]["status"] == "miss"
        by_general_route = len(reads)
        await client.cache.invalidate({"Season:list"})
        reads.clear()
        second = await client.http.post("/graphql", json={"query": QUERY})  # the fast path's
        assert second.json()["extensions"]["cache"]["status"] == "miss"
        assert len(reads) == by_general_route  # no second look-up after the hand-over
        reads.clear()
        third = await client.http.post("/graphql", json={"query": QUERY})
        assert third.json()["extensions"]["cache"]["status"] == "hit"
        assert len(reads) == 1
