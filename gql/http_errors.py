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
from typing import Any

import orjson
from starlette.responses import Response

from bounded import BoundedLRU, budget
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
# Messages quote client text (a syntax error quotes its token whole): only this much
# of one is ever scanned, so shaping costs the same for a 32 KB string as for a name.
MAX_SCANNED = 4 * MAX_MESSAGE


def _quoted(close: str) -> re.Pattern[str]:
    """A quoted stretch longer than an echo: user input (a name, a value), shortened.
    Linear: a stretch stops at the next quote of its kind."""
    n = MAX_ECHO + 1
    return re.compile(rf"'([^']{{{n},}})(?:'{close})|\"([^\"]{{{n},}})(?:\"{close})")


_QUOTED = _quoted("")
_QUOTED_TO_CUT = _quoted(r"|\Z")  # in a cut message, a quote left open runs to the cut
_SUGGESTION = "Did you mean "

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
    """At most MAX_MESSAGE characters, quoted client text echoed short; work bounded by
    MAX_SCANNED whatever the message's length."""
    quoted = _QUOTED
    if len(message) > MAX_SCANNED:
        message, quoted = message[:MAX_SCANNED], _QUOTED_TO_CUT
    if not suggestions:
        message = _without_suggestions(message)
    message = quoted.sub(_shorten_quoted, message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _without_suggestions(message: str) -> str:
    """`message` without its "Did you mean …?" sentences and the blanks before them,
    in one pass (a regular expression starting with blanks rescans a run of them
    from each of its positions)."""
    kept: list[str] = []
    start = 0
    while (found := message.find(_SUGGESTION, start)) >= 0:
        end = message.find("?", found)
        if end < 0:
            break
        cut = found
        while cut > start and message[cut - 1].isspace():
            cut -= 1
        kept.append(message[start:cut])
        start = end + 1
    kept.append(message[start:])
    return "".join(kept)


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
