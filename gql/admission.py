"""Who is asking, and what their requests may cost: the viewer from the bearer
token, the rate-limit bucket that pays, and the limits guard and planner the
pipeline's steps use (built once per app)."""

from __future__ import annotations

import strawberry
from starlette.requests import Request
from starlette.types import Scope

from auth import TokenError, decode_token
from auth.tokens import ANONYMOUS, Viewer
from compat.strawberry import graphql_schema
from config import Settings
from gql.planned import FIELD_REGISTRY
from gql.schema import document_cache
from limits import DocumentPolicy, RateLimiter, RequestGuard
from limits.rate_limiter import ANONYMOUS_PREFIX
from limits.scans import object_scan
from planner import Planner


class Admission:
    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        self.settings = settings
        self.documents = document_cache(schema, DocumentPolicy.from_settings(settings))
        self.rate_limiter = (
            RateLimiter.from_settings(settings) if settings.rate_limit_enabled else None
        )
        self.guard = RequestGuard(
            graphql_schema(schema),
            self.documents.prepare_async,
            max_cost=settings.max_query_cost,
            timeout=settings.request_timeout_seconds,
            limiter=self.rate_limiter,
            points_per_cpu_ms=settings.rate_limit_points_per_cpu_ms,
        )
        self.planner = (
            Planner(
                graphql_schema(schema),
                FIELD_REGISTRY,
                maxsize=settings.plan_cache_size,
                scans=object_scan,  # plans price aggregates as the cost does
            )
            if settings.planner_enabled
            else None
        )

    def viewer_of(self, request: Request) -> Viewer:
        return self.viewer_of_header(request.headers.get("authorization"))

    def viewer_of_header(self, header: str | None) -> Viewer:
        """The viewer an `Authorization` value names (also sent in a WebSocket's
        `connection_init`, live/ws.py); raises TokenError."""
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenError("not a bearer token", "expected `Authorization: Bearer <token>`")
        settings = self.settings
        return decode_token(
            settings.jwt_secret.get_secret_value(),
            token.strip(),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )

    def client_key(self, request: Request, viewer: Viewer) -> str:
        """Whose bucket pays: the token's subject, else the client address."""
        if self.rate_limiter is None:
            return ""  # no buckets: nobody pays
        if viewer.subject:
            return f"sub:{viewer.subject}"
        return f"{ANONYMOUS_PREFIX}{request.client.host if request.client else 'unknown'}"

    def client_of(self, scope: Scope) -> str:
        """`client_key` before the request is read (limits/debt_gate.py): a token that
        does not verify is the address's (the general route answers it 401 when it gets there)."""
        request = Request(scope)
        try:
            viewer = self.viewer_of(request)
        except TokenError:
            viewer = ANONYMOUS
        return self.client_key(request, viewer)

    async def aclose(self) -> None:
        if self.rate_limiter is not None:
            await self.rate_limiter.close()
