"""The bounded LRU every per-process memo keyed by client input uses (bounded/lru.py)."""

from __future__ import annotations

import sys

import pytest

from bounded import BoundedLRU, client_bytes


def test_least_recently_used_goes_first() -> None:
    lru: BoundedLRU[str, int] = BoundedLRU(2, 1 << 20)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3)
    assert "b" not in lru
    assert (lru.get("a"), lru.get("c"), len(lru)) == (1, 3, 2)


def test_bytes_bound_the_table_whatever_the_count() -> None:
    lru: BoundedLRU[str, str] = BoundedLRU(10_000, 1024 * 1024)
    for i in range(200):
        lru.put(f"{i}:" + "k" * 95_000, "v")  # 60 requests of 95 KB names made +8.6 MB
        assert lru.bytes <= 1024 * 1024
    assert 0 < len(lru) <= 11
    assert lru.bytes == sum(client_bytes(key) + client_bytes("v") for key in lru._entries)


def test_an_entry_over_its_bound_is_refused_and_replaces_nothing() -> None:
    lru: BoundedLRU[str, str] = BoundedLRU(10, 1 << 20, max_entry_bytes=1000)
    assert lru.put("k", "short")
    assert not lru.put("k", "x" * 5000)
    assert "k" not in lru  # the old value would now be wrong
    assert lru.bytes == 0


def test_replacing_and_popping_keep_the_byte_count() -> None:
    lru: BoundedLRU[str, str] = BoundedLRU(10, 1 << 20)
    lru.put("k", "a" * 100)
    lru.put("k", "b" * 10)
    assert lru.bytes == client_bytes("k") + client_bytes("b" * 10)
    assert lru.pop("k") == "b" * 10
    assert lru.bytes == 0 and len(lru) == 0
    lru.put("x", "y", weight=500)  # a weight the caller knows
    assert lru.bytes == 500
    lru.clear()
    assert lru.bytes == 0 and len(lru) == 0


def test_client_bytes_weighs_text_through_containers() -> None:
    text = "é" * 1000
    assert client_bytes(text) == sys.getsizeof(text)
    nested = ("a", (text, 7), [b"xyz"], {"k": "v"})
    assert client_bytes(nested) > client_bytes(text)
    assert client_bytes(object()) == 8  # a reference: shared, or weighed by its table


@pytest.mark.parametrize(("entries", "size"), [(0, 10), (10, 0)])
def test_refuses_an_empty_bound(entries: int, size: int) -> None:
    with pytest.raises(ValueError):
        BoundedLRU(entries, size)
