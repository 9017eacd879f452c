"""Batch recipe helpers: collect keys → one statement → map back in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def one_by_key(rows: Iterable[V], keys: Sequence[K], key_of: Callable[[V], K]) -> list[V | None]:
    by_key = {key_of(row): row for row in rows}
    return [by_key.get(key) for key in keys]


def many_by_key(rows: Iterable[V], keys: Sequence[K], key_of: Callable[[V], K]) -> list[list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key_of(row)].append(row)
    return [grouped.get(key, []) for key in keys]


def group_keys(keys: Sequence[tuple[int, Any]]) -> dict[Any, list[int]]:
    """Keys (parent id, shared part) grouped by their shared part, ids deduplicated."""
    groups: dict[Any, dict[int, None]] = {}  # a dict keeps first-seen order, deduplicates in O(1)
    for parent_id, shared in keys:
        ids = groups.get(shared)
        if ids is None:
            ids = groups[shared] = {}
        ids[parent_id] = None
    return {shared: list(ids) for shared, ids in groups.items()}
