"""The Starlette application: GraphQL endpoint, GraphiQL, health, metrics.

Long-lived resources (engine, persisted-query store) are owned by the
lifespan and handed to requests through `app.state`; nothing connects at
import time.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from cache.factory import open_response_cache
from cache.service import ResponseCache
from compat.strawberry import graphql_schema
from config import Settings, get_settings
from db import create_engine
from db.statements import count_statements
from gql import graphiql
from gql.fast_path import FastPath
from gql.http import GraphQLApp
from gql.import_workers import import_workers
from gql.schema import build_schema
from gql.upload_limit import BodyLimitByKind
from limits import BodyReadTimeout, ConcurrencyLimit, DebtGate
from live import Live, LiveSettings
from live.redis_relay import RedisRelay
from live.transports import LiveTransports
from loaders import Database
from loaders.database import create_read_pools
from loaders.replica_pools import open_router
from loaders.season_calendar import SeasonCalendar
from observability import exposition
from observability.health import health, ready
from observability.setup import Telemetry
from observability.sql_events import time_statements, trace_statements
from persisted import PersistedDocuments, open_documents
from pipeline import Contexts, Shaping, Steps
from pipeline.response_cache import ResponseCacheStep
from web import Compression, cors_middleware

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


MONITORING_PATHS = ("/health", "/ready", "/metrics")  # answered even when busy


def tune_garbage_collector() -> None:
    """Move start-up objects out of the collector's view and collect less often.

    A large response allocates tens of thousands of short-lived objects;
    with the default thresholds the cyclic collector runs many times per
    request and rescans every long-lived module object each time.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 20, 100)


def pipeline_steps(
    graphql: GraphQLApp,
    persisted: PersistedDocuments,
    response_cache: ResponseCache | None,
    database: Database,
    calendar: SeasonCalendar,
    changes: Live | None = None,
) -> Steps:
    """The request pipeline's collaborators, once the lifespan opened its resources."""
    admission, schema, settings = graphql.admission, graphql.schema, graphql.settings
    assert isinstance(schema, strawberry.Schema)
    cache = None
    if response_cache is not None:
        sdl = schema.as_str()
        cache = ResponseCacheStep(response_cache, graphql_schema(schema), sdl, admission.guard)
    return Steps(
        persisted=persisted,
        documents=admission.documents,
        cache=cache,
        guard=admission.guard,
        client_key=admission.client_key,
        planner=admission.planner,
        schema=schema,
        contexts=Contexts(database, calendar, admission.documents),
        shaping=Shaping(settings.max_errors, suggestions=settings.introspection_enabled),
        request_timeout=settings.request_timeout_seconds,
        changes=changes,
        replicas=database.router,
    )


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> Starlette:
    """The app; `tracer_provider` (tests) replaces the one built from OTEL_* variables."""
    settings = settings or get_settings()
    telemetry = Telemetry.from_settings(settings, tracer_provider)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        persisted = app.state.persisted = await open_documents(settings)
        response_cache = app.state.response_cache = open_response_cache(settings)
        engine = create_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            statement_timeout_ms=settings.database_statement_timeout_ms,
        )
        count_statements(engine)
        trace_statements(engine)  # spans for the writes' statements (reads open their own)
        if settings.server_timing_enabled:
            time_statements(engine)
        read_pools = None
        if engine.dialect.name == "postgresql":
            read_pools = await create_read_pools(
                settings.database_url,
                settings.database_pool_size,
                settings.database_statement_timeout_ms,
            )
        router = None if read_pools is None else await open_router(settings, read_pools)
        app.state.database = Database(engine, read_pools, router)
        app.state.season_calendar = SeasonCalendar(
            app.state.database, settings.season_cache_seconds
        )
        steps = pipeline_steps(
            graphql, persisted, response_cache, app.state.database, app.state.season_calendar, live
        )
        graphql.start(steps)
        live.start(steps)
        relay = None
        if settings.redis_url:  # live queries' changes between processes
            relay = app.state.live_relay = RedisRelay(
                settings.redis_url,
                live.settings.redis_channel,
                live.bus,
                live.settings.redis_retry_seconds,
                cluster=settings.redis_cluster,
            )
            relay.start()
        tune_garbage_collector()
        try:
            async with telemetry.running(), import_workers(settings, response_cache):
                yield
        finally:
            if relay is not None:
                await relay.close()
            await graphql.admission.aclose()
            await persisted.close()
            if response_cache is not None:
                await response_cache.close()
            if router is not None:
                await router.close()
            if read_pools is not None:
                await read_pools.close()
            await engine.dispose()

    graphql = GraphQLApp(build_schema(), settings)
    live = Live(LiveSettings(), build_schema())

    app = Starlette(
        routes=[
            # Every method reaches the general route, so even a 405 is a GraphQL-shaped JSON body.
            Route(
                "/graphql",
                BodyLimitByKind(
                    graphql,
                    max_body_bytes=settings.max_body_bytes,
                    max_upload_bytes=settings.import_upload_max_bytes,
                    max_url_bytes=settings.max_url_bytes,
                ),
            ),
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", exposition.metrics),
            # GraphiQL's scripts and styles, where the page (GET /graphql) is served.
            *([Route(graphiql.ROUTE, graphiql.serve_asset)] if graphiql.enabled(settings) else []),
        ],
        middleware=[
            telemetry.middleware(),  # outermost: refusals below are logged and counted too
            # Before every limit: a preflight is answered here, costing no points.
            cors_middleware(settings),
            # Subscriptions (WebSocket, SSE): long-lived, outside the HTTP request caps.
            Middleware(
                LiveTransports,
                live=live,
                viewer_of=graphql.admission.viewer_of_header,
                max_body_bytes=settings.max_body_bytes,
            ),
            # Every response below, the fast path's included (cache hits come compressed).
            *(
                [Middleware(Compression, minimum_size=settings.compression_min_bytes)]
                if settings.compression
                else []
            ),
            Middleware(
                ConcurrencyLimit,
                max_requests=settings.max_concurrent_requests,
                exempt=MONITORING_PATHS,
            ),
            # A client in debt is refused before anything reads or parses its request.
            Middleware(
                DebtGate,
                limiter=graphql.admission.rate_limiter,
                client_of=graphql.admission.client_of,
                delay=settings.rate_limit_throttle_delay_seconds,
            ),
            # Before the fast path: its body reads are bounded too.
            Middleware(BodyReadTimeout, timeout=settings.body_read_timeout_seconds),
            Middleware(FastPath, view=graphql, max_body_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.live = live
    return app
