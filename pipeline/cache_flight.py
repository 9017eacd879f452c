"""Step 3's miss: computed once per key, then stored.

In this process through a shared future, across processes through a short
lock whose waiters poll for the entry: followers of a flight are answered
with its entry as a hit. A bypass is computed and never stored.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

from cache.entry import Entry
from cache.service import Unavailable
from pipeline.answers import Reply
from pipeline.response_cache import Bypass, Cacheable, Compute, ResponseCacheStep
from replicas import current_wal


async def answer_once(
    step: ResponseCacheStep, lookup: Cacheable | Bypass, compute: Compute, reply: Reply
) -> None:
    """Compute and reply; a cacheable miss once per key, and stored."""
    if isinstance(lookup, Cacheable) and lookup.key is not None:
        await _once(step, lookup, lookup.key, compute, reply)
        return
    if isinstance(lookup, Cacheable):
        step.count(lookup.operation, "bypass")
    await reply.answer((await compute(lookup)).answer)


async def _once(
    step: ResponseCacheStep, lookup: Cacheable, key: str, compute: Compute, reply: Reply
) -> None:
    service = step.service
    flight = service.flights.get(key)
    if flight is not None:
        entry = await asyncio.shield(flight)
        if entry is not None:
            await reply.hit(step.hit(entry, key, lookup.operation))
            return
        await _compute(step, lookup, compute, reply)
        return
    future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
    service.flights[key] = future
    locked = False
    shared: Entry | None = None
    try:
        locked = await service.lock(key)
        # Locked: look again, since the lookup that missed may predate a flight
        # that has stored the entry and ended meanwhile (double-checked).
        entry = await service.wait_for(key) if not locked else await _stored(step, key)
        if entry is not None:
            future.set_result(entry)
            await reply.hit(step.hit(entry, key, lookup.operation))
            return
        shared = await _compute(step, lookup, compute, reply)
    finally:
        del service.flights[key]
        if not future.done():
            future.set_result(shared)
        if locked:
            await service.unlock(key)


async def _stored(step: ResponseCacheStep, key: str) -> Entry | None:
    try:
        return await step.service.get(key)
    except Unavailable:
        return None


async def _compute(
    step: ResponseCacheStep, lookup: Cacheable, compute: Compute, reply: Reply
) -> Entry | None:
    """Compute, reply, then store; the entry the flight's followers are given
    (None: they compute for themselves)."""
    key = lookup.key
    since = 0
    try:
        since = await step.service.sequence()
    except Unavailable:
        key = None
        lookup = dataclasses.replace(lookup, key=None)
    step.count(lookup.operation, "miss" if key else "bypass")
    started = time.monotonic()
    computed = await compute(lookup)
    await reply.answer(computed.answer)
    entry = computed.entry
    stored = key is not None and entry is not None
    # Read from a replica: stored only if it had replayed past every tag's last invalidation.
    wal = current_wal()
    if stored and not await step.service.put(key, entry, computed.tags, since, started, wal):  # type: ignore[arg-type]
        entry = None  # refused: followers compute for themselves
    return entry
