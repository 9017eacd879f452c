"""`Deadlines`: one timer for every running request's deadline, `asyncio.timeout`'s
behaviour for each (TimeoutError when over, other cancellations untouched)."""

from __future__ import annotations

import asyncio
import time

import pytest

from limits.deadlines import Deadlines


async def test_work_within_its_deadline_returns_its_value() -> None:
    deadlines = Deadlines(1.0)

    async def quick() -> int:
        await asyncio.sleep(0.01)
        return 7

    assert await asyncio.gather(*(deadlines.run(quick()) for _ in range(50))) == [7] * 50


async def test_work_over_its_deadline_raises_timeout_error_and_the_task_goes_on() -> None:
    deadlines = Deadlines(0.2, resolution=0.05)
    started = time.perf_counter()
    with pytest.raises(TimeoutError):
        await deadlines.run(asyncio.sleep(10))
    assert 0.2 <= time.perf_counter() - started < 0.5
    await asyncio.sleep(0.01)  # not left cancelled: the task can await again
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_only_the_late_ones_time_out() -> None:
    deadlines = Deadlines(0.2, resolution=0.02)

    async def sleeper(seconds: float) -> float:
        await asyncio.sleep(seconds)
        return seconds

    results = await asyncio.gather(
        deadlines.run(sleeper(0.05)), deadlines.run(sleeper(5)), return_exceptions=True
    )
    assert results[0] == 0.05
    assert isinstance(results[1], TimeoutError)


async def test_a_cancellation_from_elsewhere_is_not_a_timeout() -> None:
    deadlines = Deadlines(5.0)
    task = asyncio.create_task(deadlines.run(asyncio.sleep(10)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
