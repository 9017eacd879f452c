"""Wiring for `create_app`: the tracer provider's lifetime, logging, the middleware.

    telemetry = Telemetry.from_settings(settings, tracer_provider)  # in create_app
    async with telemetry.running():                                 # in the lifespan
        ...

A provider passed in (tests) is installed but left to its owner; one built
from the environment is flushed and shut down with the app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.middleware import Middleware

from observability import tracing
from observability.exposition import process_exited
from observability.logs import configure_logging
from observability.middleware import ObservabilityMiddleware, RequestOptions
from observability.provider import provider_from_env

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from config import Settings


@dataclass
class Telemetry:
    provider: TracerProvider | None
    owned: bool
    options: RequestOptions

    @classmethod
    def from_settings(
        cls, settings: Settings, tracer_provider: TracerProvider | None = None
    ) -> Telemetry:
        configure_logging(settings.log_level, settings.log_format)
        options = RequestOptions(
            document_mode=settings.trace_graphql_document,
            log_variables=settings.log_variables,
            log_requests=settings.log_requests,
            max_tokens=settings.max_tokens,
            server_timing=settings.server_timing_enabled,
        )
        if tracer_provider is not None:
            return cls(tracer_provider, False, options)
        return cls(provider_from_env(), True, options)

    def middleware(self) -> Middleware:
        return Middleware(ObservabilityMiddleware, options=self.options)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        previous = tracing.tracer()
        tracing.install(self.provider)
        try:
            yield
        finally:
            tracing.restore(previous)
            if self.owned and self.provider is not None:
                self.provider.shutdown()  # flushes the batch processor's queue
            process_exited()
