"""Uploads (multipart/form-data: importTrips) get a body limit of their own.

Every other request keeps MAX_BODY_BYTES (a GraphQL document and its
variables are small); a file of trips is not, so multipart requests are
bounded by IMPORT_UPLOAD_MAX_BYTES instead.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from limits import RequestSizeLimit

MULTIPART = b"multipart/form-data"


class BodyLimitByKind:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int, max_url_bytes: int
    ) -> None:
        self.requests = RequestSizeLimit(
            app, max_body_bytes=max_body_bytes, max_url_bytes=max_url_bytes
        )
        self.uploads = RequestSizeLimit(
            app, max_body_bytes=max_upload_bytes, max_url_bytes=max_url_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and any(
            name == b"content-type" and value.lower().startswith(MULTIPART)
            for name, value in scope.get("headers", ())
        )
        await (self.uploads if upload else self.requests)(scope, receive, send)
