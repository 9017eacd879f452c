"""One span and one histogram sample per DataLoader batch.

`loaders.base.Loader` wraps every subclass's `batch_load_fn` with
`traced_batch` once, when the class is defined: no per-request cost beyond
the histogram sample, plus the span when tracing is on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from opentelemetry.trace import Status, StatusCode, use_span

from observability import tracing
from observability.metrics import BATCH_SIZE

R = TypeVar("R")
BatchFn = Callable[[Any, Sequence[Any]], Awaitable[R]]


def traced_batch(loader: str, batch_load_fn: BatchFn[R]) -> BatchFn[R]:
    sizes = BATCH_SIZE.labels(loader)
    span_name = f"dataloader {loader}"

    @wraps(batch_load_fn)
    async def batch(self: Any, keys: Sequence[Any]) -> R:
        sizes.observe(len(keys))
        active = tracing.tracer()
        if active is None:
            return await batch_load_fn(self, keys)
        span = active.start_span(
            span_name, attributes={"graphql.loader.name": loader, "graphql.loader.keys": len(keys)}
        )
        # Each batch runs in a task of its own (aiodataloader), so this
        # variable collects only the rows of this batch's statements.
        rows: list[int] = []
        token = tracing.batch_rows.set(rows)
        try:
            with use_span(span, end_on_exit=False, record_exception=False):
                return await batch_load_fn(self, keys)
        except BaseException as exc:
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            tracing.batch_rows.reset(token)
            span.set_attribute("graphql.loader.rows", sum(rows))
            span.set_attribute("graphql.loader.statements", len(rows))
            span.end()

    return batch
