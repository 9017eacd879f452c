from __future__ import annotations

import pytest

from bounded import budget
from config import Settings
from persisted import InProcessStore, create_store


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


async def test_registrations_are_bounded_in_bytes() -> None:
    store = InProcessStore(max_entries=10_000, max_bytes=1024 * 1024)
    await store.load({"trusted:t": "{ t }"})
    for i in range(100):  # 10,000 x 100 KB was allowed before the byte bound
        await store.put(f"r{i}", f"{{ r{i} }}" + " " * 100_000)
        assert store.bytes <= 1024 * 1024
    assert len(store) <= 1 + 10
    assert await store.get("r99") is not None
    assert await store.get("trusted:t") == "{ t }"  # manifest documents are never evicted


def test_the_byte_bound_is_a_setting() -> None:
    settings = Settings(persisted_queries_max_bytes=2048)
    store = create_store(settings)
    assert isinstance(store, InProcessStore)
    assert store.max_bytes == 2048
    assert create_store(Settings()).max_bytes == budget.PERSISTED  # type: ignore[attr-defined]
