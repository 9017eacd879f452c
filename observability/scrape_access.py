"""Who may read /metrics: anyone in development, a bearer of METRICS_TOKEN in production.

Metrics name operations, error codes and pool sizes: in production they are
for the scraper only. Without METRICS_TOKEN there /metrics is refused (403);
with it, a request must say `Authorization: Bearer <METRICS_TOKEN>` (401
otherwise). A token set in development is asked for there too.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

import orjson
from starlette.responses import Response

from config.settings import Environment

if TYPE_CHECKING:
    from config import Settings

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="metrics"'}


def scrape_refusal(settings: Settings, authorization: str | None) -> Response | None:
    """The response refusing this scrape, or None to let it through."""
    secret = settings.metrics_token
    expected = secret.get_secret_value().encode() if secret is not None else b""
    if not expected:
        if settings.environment is Environment.PRODUCTION:
            return _refusal(403, "FORBIDDEN", "/metrics is closed: METRICS_TOKEN is not set.")
        return None
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected):
        return None
    message = "/metrics needs `Authorization: Bearer <METRICS_TOKEN>`."
    return _refusal(401, "UNAUTHENTICATED", message, _CHALLENGE)


def _refusal(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    return Response(body, status, headers=headers, media_type="application/json")
