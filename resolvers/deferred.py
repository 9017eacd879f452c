"""Values that are ready now or later.

Loader-backed resolvers return the loader's future. When a parent already
prefetched the level (see `gql/prefetch`), that future is done and the
field resolves synchronously: graphql-core then completes it without a
coroutine, a task and a gather per item, which is most of the cost of a
wide response. Otherwise the caller gets an awaitable, as usual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

Deferred = asyncio.Future[T] | Awaitable[T]


def then(value: Deferred[T], convert: Callable[[T], R]) -> R:
    """`convert(value)` now when it is ready, else an awaitable of it.

    Typed as R on purpose: resolvers declare the GraphQL type they produce,
    and graphql-core awaits the awaitable they may hand back instead.
    """
    if isinstance(value, asyncio.Future) and value.done():
        return convert(value.result())
    return cast(R, Later(value, convert))


class Later(Generic[T, R]):
    """An awaitable of `convert(await source)`.

    A plain object rather than a coroutine, so that whoever only needs the
    load to happen (gql/prefetch) can await `source` itself: gathering
    futures creates no task per item.
    """

    __slots__ = ("convert", "source")

    def __init__(self, source: Deferred[T], convert: Callable[[T], R]) -> None:
        self.source = source
        self.convert = convert

    def __await__(self) -> Generator[Any, None, R]:
        value = yield from self.source.__await__()
        return self.convert(value)


def ready(value: T) -> asyncio.Future[T]:
    """An already-completed future holding `value`."""
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


def chain(value: Deferred[T], step: Callable[[T], Deferred[R]]) -> Deferred[R]:
    """`step(value)` without awaiting when `value` is ready."""
    if isinstance(value, asyncio.Future) and value.done():
        return step(value.result())

    async def later() -> R:
        return await step(await value)

    return later()
