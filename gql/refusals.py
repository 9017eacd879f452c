"""The JSON error responses for requests refused before or instead of execution."""

from __future__ import annotations

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.exceptions import InvalidOperationTypeError

from auth import TokenError
from gql.http_errors import error_response, negotiate
from limits import RequestRejected
from persisted import PersistedQueryError


def refusal(request: Request, exc: RequestRejected | HTTPException) -> Response:
    """A limit's, or the HTTP layer's (method, body, media type), refusal."""
    media_type = negotiate(request.headers.get("accept"))
    if isinstance(exc, RequestRejected):
        return error_response(
            exc.status, exc.code, exc.message, media_type=media_type, headers=exc.headers
        )
    if isinstance(exc.__cause__, InvalidOperationTypeError) or exc.status_code == 405:
        allow = "POST" if request.method == "GET" else "GET, POST"
        headers = {"Allow": allow}
        return error_response(
            405, "METHOD_NOT_ALLOWED", exc.reason, media_type=media_type, headers=headers
        )
    code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
    return error_response(exc.status_code, code, exc.reason, media_type=media_type)


def persisted_refusal(exc: PersistedQueryError) -> Response:
    return Response(
        orjson.dumps(exc.to_json()), status_code=exc.status, media_type="application/json"
    )


def token_refusal(exc: TokenError) -> Response:
    body = orjson.dumps(  # never PyJWT's text: that is in `exc.detail`, logged
        {"errors": [{"message": exc.message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    )
    return Response(
        body,
        status_code=401,
        media_type="application/json",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
