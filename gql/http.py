"""GraphQL over HTTP: Strawberry's ASGI view with our context and orjson."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL

from auth import TokenError, decode_token
from auth.tokens import ANONYMOUS, Viewer
from config import Settings
from gql.context import Context
from loaders import Loaders


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if settings.environment == "development" else None
        )
        self.settings = settings

    def viewer_of(self, request: Request) -> Viewer:
        header = request.headers.get("authorization")
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise TokenError("expected `Authorization: Bearer <token>`")
        return decode_token(self.settings.jwt_secret.get_secret_value(), token.strip())

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(
            loaders=Loaders(request.app.state.database),
            now=datetime.now(UTC),
            viewer=self.viewer_of(request),
            request=request,
            response=response,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except TokenError as exc:
            body = orjson.dumps(
                {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]}
            )
            response = Response(
                body,
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
