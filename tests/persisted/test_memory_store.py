from __future__ import annotations

import pytest

from persisted import InProcessStore


async def test_get_put() -> None:
    store = InProcessStore(max_entries=4)
    assert await store.get("a") is None
    await store.put("a", "{ a }")
    assert await store.get("a") == "{ a }"


async def test_lru_evicts_the_least_recently_used() -> None:
    store = InProcessStore(max_entries=2)
    await store.put("a", "{ a }")
    await store.put("b", "{ b }")
    assert await store.get("a") == "{ a }"  # a is now the most recent
    await store.put("c", "{ c }")
    assert await store.get("b") is None
    assert await store.get("a") == "{ a }"
    assert await store.get("c") == "{ c }"
    assert len(store) == 2


async def test_loaded_documents_are_pinned() -> None:
    store = InProcessStore(max_entries=1)
    await store.load({"t1": "{ t1 }", "t2": "{ t2 }"})
    for i in range(5):
        await store.put(f"r{i}", "{ r }")
    assert await store.get("t1") == "{ t1 }"
    assert await store.get("t2") == "{ t2 }"
    assert len(store) == 3


def test_refuses_an_empty_bound() -> None:
    with pytest.raises(ValueError):
        InProcessStore(max_entries=0)
