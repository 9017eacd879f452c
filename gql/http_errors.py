"""GraphQL over HTTP: media type negotiation, status codes, error bodies.

`application/graphql-response+json` (chosen from Accept) follows the spec's
status codes: a response without `data` (a request error: parse, validation,
variable coercion, a limit) is a 4xx/5xx, one with `data` is 200.
`application/json` (older clients, and no Accept) answers 200 to every
well-formed request. Refusals that are about HTTP itself rather than the
document (size, media type, method, rate, availability, deadline) carry
their own status with either media type. Every body is GraphQL-shaped JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from bounded import BoundedLRU, budget
from errors.messages import short_message

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

# Codes whose status holds whatever the negotiated media type.
STATUS_BY_CODE = {
    "PAYLOAD_TOO_LARGE": 413,
    "URI_TOO_LONG": 414,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "THROTTLED": 429,
    "SERVICE_UNAVAILABLE": 503,
    "TIMEOUT": 504,
}

# Clients resend the same few Accept headers (parsing one costs µs); they choose them,
# so longer ones are negotiated every time rather than remembered.
MAX_REMEMBERED_ACCEPT = 256
_negotiated: BoundedLRU[str, str] = BoundedLRU(256, budget.ACCEPT_HEADERS)


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header (application/json by default)."""
    if accept is None:
        return JSON
    found = _negotiated.get(accept)
    if found is None:
        found = _negotiate(accept)
        if len(accept) <= MAX_REMEMBERED_ACCEPT:
            _negotiated.put(accept, found)
    return found


def _negotiate(accept: str) -> str:
    best, best_q = JSON, -1.0
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        candidate = {
            GRAPHQL_RESPONSE_JSON: GRAPHQL_RESPONSE_JSON,
            JSON: JSON,
            "application/*": JSON,
            "*/*": JSON,
        }.get(media.lower())
        # Ties go to the type listed first; q=0 means "not acceptable".
        if candidate is not None and q > 0 and q > best_q:
            best, best_q = candidate, q
    return best


def status_for(payload: Mapping[str, Any] | list[Any], media_type: str) -> int:
    if isinstance(payload, list):  # a batch: the first failure's status if all failed
        statuses = [status_for(item, media_type) for item in payload]
        return 200 if any(s == 200 for s in statuses) or not statuses else statuses[0]
    errors = payload.get("errors") or []
    if "data" in payload and payload["data"] is not None:
        return 200
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    if "data" in payload or media_type == JSON:
        return 200
    return 400


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"errors": [{"message": short_message(message), "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status, headers=dict(headers or {}), media_type=media_type)
