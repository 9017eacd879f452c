"""The real app with an in-memory span exporter, driven in-process through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Sampler
from pydantic import SecretStr

from config import Settings
from gql.app import create_app

JWT_SECRET = "observability-tests-secret-0123456789abcdef"


@dataclass
class Traced:
    http: httpx.AsyncClient
    exporter: InMemorySpanExporter

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.spans() if span.name == name]

    def one(self, name: str) -> ReadableSpan:
        found = self.named(name)
        assert len(found) == 1, (name, [s.name for s in self.spans()])
        return found[0]

    def children(self, parent: ReadableSpan) -> list[ReadableSpan]:
        parent_id = parent.context.span_id
        return [s for s in self.spans() if s.parent is not None and s.parent.span_id == parent_id]

    async def post(self, query: str, **kwargs: Any) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        body.update(kwargs.pop("body", {}))
        return await self.http.post("/graphql", json=body, **kwargs)


def settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SecretStr(JWT_SECRET), **overrides)


@asynccontextmanager
async def traced_app(
    database_url: str, *, tracing: bool = True, sampler: Sampler | None = None, **overrides: Any
) -> AsyncIterator[Traced]:
    exporter = InMemorySpanExporter()
    provider = None
    if tracing:
        provider = TracerProvider(sampler=sampler)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings(database_url, **overrides), tracer_provider=provider)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield Traced(http, exporter)
    if provider is not None:
        provider.shutdown()
