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

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson
from starlette.responses import Response

from errors.domain import MAX_ECHO, echo

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
# Outages: the whole response is withdrawn (no partial data), so retrying is safe.
WITHDRAW_DATA_CODES = frozenset({"SERVICE_UNAVAILABLE"})

MAX_MESSAGE = 300
# A quoted stretch longer than an echo is user input (a name, a value): shortened.
_QUOTED = re.compile(rf"'([^']{{{MAX_ECHO + 1},}})'|\"([^\"]{{{MAX_ECHO + 1},}})\"")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@lru_cache(maxsize=256)  # clients send few distinct Accept headers; parsing costs µs
@lru_cache(maxsize=256)  # clients resend the same few headers; bounded: they choose them
def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header (application/json by default)."""
    best, best_q = JSON, -1.0
    for part in (accept or "").split(","):
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


def shape(payload: dict[str, Any], *, max_errors: int, suggestions: bool) -> dict[str, Any]:
    """Bound what a response says: short echoes, N errors at most, no partial data in outages."""
    errors = payload.get("errors")
    if not errors:
        return payload
    for error in errors:
        error["message"] = short_message(str(error.get("message", "")), suggestions)
    if len(errors) > max_errors:
        omitted = len(errors) - max_errors + 1
        errors[max_errors - 1 :] = [
            {
                "message": f"{omitted} more errors omitted.",
                "extensions": {"code": "TOO_MANY_ERRORS", "omitted": omitted},
            }
        ]
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    request_error = payload.get("data") is None and all(not e.get("path") for e in errors)
    if request_error or codes & WITHDRAW_DATA_CODES:
        payload.pop("data", None)  # a request error has no `data` entry (spec)
    return payload


def short_message(message: str, suggestions: bool = True) -> str:
    if not suggestions:
        message = _SUGGESTION.sub("", message)
    message = _QUOTED.sub(_shorten_quoted, message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _shorten_quoted(match: re.Match[str]) -> str:
    quote = "'" if match[1] is not None else '"'
    return quote + echo(match[1] if match[1] is not None else match[2]) + quote


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
