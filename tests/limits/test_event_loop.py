"""A large new document is parsed and validated without stalling other requests."""

from __future__ import annotations

import asyncio
import time

import httpx

# ~2,000 tokens (just under the limit) of one repeated field: the costliest text to validate.
WORST = "{ drivers { nodes { " + " ".join(["name"] * 1_980) + " } } }"


async def test_worst_document_leaves_the_event_loop_responsive(http: httpx.AsyncClient) -> None:
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": WORST})
    elapsed = time.perf_counter() - started
    done.set()
    await task
    assert response.status_code == 200  # answered (refused by validation: overlapping fields)
    assert response.json()["errors"]
    # The request itself took a while; no single stall of the loop came close to it.
    assert max(gaps) < 0.05, (max(gaps), elapsed)
