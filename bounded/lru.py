"""A per-process memo bounded by entries and by bytes, for tables keyed by client input.

Clients choose the keys of many memo tables (document texts, operation
names, Accept headers, variable values, region strings), so a bound on the
number of entries alone does not bound memory: 512 entries of 100 KB keys
are 50 MB. A `BoundedLRU` weighs each entry when it is stored (by default
the memory of the text in its key and value, see `client_bytes`), evicts
the least recently used entries while either bound is passed, and refuses
an entry heavier than `max_entry_bytes` (the caller then computes it every
time rather than keeping it). Every per-process cache keyed by client
input uses it (docs/decisions/0026-bounded-client-input.md).

Not thread-safe: each table is used from the event loop's thread only.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_getsizeof = sys.getsizeof


def client_bytes(value: object) -> int:
    """The memory of `value`'s text and numbers: str, bytes, int and float objects,
    through tuples, lists, sets and dicts. Any other object counts as a reference
    (8 bytes): it is shared, or the table weighs it itself (`weigh`)."""
    if isinstance(value, str | bytes | int | float):
        return _getsizeof(value)
    if isinstance(value, tuple | list | frozenset | set):
        return _getsizeof(value) + sum(client_bytes(item) for item in value)
    if isinstance(value, dict):
        return _getsizeof(value) + sum(client_bytes(k) + client_bytes(v) for k, v in value.items())
    return 8


def _key_and_value(key: object, value: object) -> int:
    return client_bytes(key) + client_bytes(value)


class BoundedLRU(Generic[K, V]):
    """At most `max_entries` entries weighing at most `max_bytes` in all.

    An entry's weight in bytes is given to `put`, or else `weigh(key, value)`
    says it (default: `client_bytes` of both); `bytes` is the current total.
    Values are never None (`get` answers None for a missing key).
    """

    __slots__ = (
        "_entries",
        "_weigh",
        "_weights",
        "bytes",
        "max_bytes",
        "max_entries",
        "max_entry_bytes",
    )

    def __init__(
        self,
        max_entries: int,
        max_bytes: int,
        *,
        max_entry_bytes: int | None = None,
        weigh: Callable[[K, V], int] | None = None,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a bounded LRU holds at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_bytes, max_entry_bytes or max_bytes)
        self.bytes = 0
        self._weigh: Callable[[K, V], int] = weigh or _key_and_value
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        """The value stored under `key` (now the most recently used), or None."""
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: K, value: V, weight: int | None = None) -> bool:
        """Store `value` under `key` (weighing `weight` bytes, else what `weigh` says),
        evicting the least recently used entries as needed; False (nothing stored)
        when the entry alone weighs too much."""
        if weight is None:
            weight = self._weigh(key, value)
        if weight > self.max_entry_bytes:
            self.pop(key)  # an older, lighter value would now be wrong
            return False
        entries, weights = self._entries, self._weights
        self.bytes += weight - weights.get(key, 0)
        entries[key] = value
        entries.move_to_end(key)
        weights[key] = weight
        while len(entries) > self.max_entries or self.bytes > self.max_bytes:
            oldest, _ = entries.popitem(last=False)
            self.bytes -= weights.pop(oldest)
        return True

    def pop(self, key: K) -> V | None:
        found = self._entries.pop(key, None)
        if found is not None:
            self.bytes -= self._weights.pop(key)
        return found

    def clear(self) -> None:
        self._entries.clear()
        self._weights.clear()
        self.bytes = 0
