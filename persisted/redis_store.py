"""The Redis backend: one key per document, shared by every process and host."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.redis_client import redis_client
from observability.decisions import note_redis_error
from observability.tracing import redis_span
from persisted.store import StoreUnavailable

DEFAULT_PREFIX = "fleetgraph:pq:"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600  # registrations not used again in 30 days go
_LOAD_CHUNK = 500


@contextmanager
def _unavailable_on_error(operation: str) -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError, TimeoutError) as exc:
        note_redis_error(operation)
        raise StoreUnavailable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc


class RedisStore:
    """Documents under `<prefix><key>` (default `fleetgraph:pq:<sha256>`).

    Every operation is bounded by `timeout` seconds and never retried: a
    request must not wait on a Redis that is down; the caller fails open.
    Registrations expire after `ttl_seconds` (None: never), so what anonymous
    clients register does not accumulate forever; manifest documents never.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 0.25,
        ttl_seconds: int | None = DEFAULT_TTL_SECONDS,
        cluster: bool = False,
    ) -> None:
        self.client = client
        self.cluster = cluster
        self.prefix = prefix
        self.timeout = timeout
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 0.25,
        ttl_seconds: int | None = DEFAULT_TTL_SECONDS,
        cluster: bool = False,
    ) -> RedisStore:
        client = redis_client(url, timeout=timeout, decode_responses=True, cluster=cluster)
        return cls(client, prefix=prefix, timeout=timeout, ttl_seconds=ttl_seconds, cluster=cluster)

    async def get(self, key: str) -> str | None:
        with _unavailable_on_error("GET"), redis_span("GET", key_prefix=self.prefix) as span:
            async with asyncio.timeout(self.timeout):
                value = await self.client.get(self.prefix + key)
            span.hit = value is not None
        return None if value is None else str(value)

    async def put(self, key: str, document: str) -> None:
        with _unavailable_on_error("SET"), redis_span("SET", key_prefix=self.prefix):
            async with asyncio.timeout(self.timeout):
                await self.client.set(self.prefix + key, document, ex=self.ttl_seconds)

    async def load(self, documents: Mapping[str, str]) -> None:
        items = [(self.prefix + key, text) for key, text in documents.items()]
        with _unavailable_on_error("MSET"), redis_span("MSET", key_prefix=self.prefix):
            for start in range(0, len(items), _LOAD_CHUNK):
                async with asyncio.timeout(self.timeout):
                    await self._set_many(dict(items[start : start + _LOAD_CHUNK]))

    async def _set_many(self, items: dict[str, str]) -> None:
        if not self.cluster:
            await self.client.mset(items)
            return
        # On a Cluster the documents' keys spread over slots (one MSET cannot span
        # them): one SET each, in a pipeline the client splits by node.
        async with self.client.pipeline(transaction=False) as pipe:
            for key, text in items.items():
                pipe.set(key, text)
            await pipe.execute()

    async def close(self) -> None:
        await self.client.aclose()
