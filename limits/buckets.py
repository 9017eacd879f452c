"""Token buckets (Shopify-style cost throttling): the in-process implementation.

A bucket holds up to `capacity` points and refills at `rate` points per
second; a request takes its requested cost and is refunded the part it did
not use, or charged the part it used beyond it (a `force`d take: the level
may fall below zero, to at most one bucket of debt, which the client waits
out). A negative cost is a refund.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

MAX_LOCAL_KEYS = 100_000


@dataclass(frozen=True, slots=True)
class Take:
    allowed: bool
    remaining: float
    retry_after: float  # seconds until `cost` points are available; 0 when allowed


def take_from(
    tokens: float, elapsed: float, cost: float, capacity: float, rate: float, force: bool = False
) -> tuple[Take, float]:
    """The bucket arithmetic, shared by both implementations: (outcome, new level)."""
    level = min(capacity, tokens + max(0.0, elapsed) * rate)
    if cost <= level or force:
        level = max(-capacity, min(capacity, level - cost))
        return Take(True, level, 0.0), level
    wait = (cost - level) / rate if cost <= capacity else math.inf
    return Take(False, level, wait), level


class LocalBuckets:
    """Buckets in this process (the default, and the fallback when Redis fails)."""

    def __init__(self, capacity: float, rate: float, max_keys: int = MAX_LOCAL_KEYS) -> None:
        self.capacity = capacity
        self.rate = rate
        self.max_keys = max_keys
        self._levels: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, cost: float, now: float | None = None, *, force: bool = False) -> Take:
        now = time.monotonic() if now is None else now
        tokens, stamp = self._levels.pop(key, (self.capacity, now))
        outcome, level = take_from(tokens, now - stamp, cost, self.capacity, self.rate, force)
        self._levels[key] = (level, now)
        if len(self._levels) > self.max_keys:
            # The least recently used bucket goes; it was (nearly) full by now.
            self._levels.popitem(last=False)
        return outcome
