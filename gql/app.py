"""The Starlette application: GraphQL endpoint, GraphiQL, health, metrics.

Long-lived resources (engine) are owned by the lifespan and handed to
requests through `app.state`; nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from config import Settings, get_settings
from db import create_engine
from db.statements import count_statements
from gql.http import GraphQLApp
from gql.schema import build_schema
from loaders import Database


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        count_statements(engine)
        app.state.database = Database(engine)
        try:
            yield
        finally:
            await engine.dispose()

    graphql = GraphQLApp(build_schema(), settings)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
