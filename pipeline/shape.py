"""Step 6: the results shaped for the client (GraphQL over HTTP's response body).

Strawberry's `process_result` formats the errors; then what a response says is
bounded: messages short (errors/messages.py), at most `max_errors` errors, and
no `data` entry for a request error or an outage (the response is withdrawn).
"""

from __future__ import annotations

from typing import Any

from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from cache.entry import Entry
from errors.messages import short_message
from pipeline.answers import Answer
from pipeline.cache_meta import annotate
from pipeline.execute import Executed
from pipeline.response_cache import Bypass, Cacheable, Computed
from pipeline.steps import Shaping

# Outages: the whole response is withdrawn (no partial data), so retrying is safe.
WITHDRAW_DATA_CODES = frozenset({"SERVICE_UNAVAILABLE"})


def shaped(result: ExecutionResult, *, max_errors: int, suggestions: bool) -> GraphQLHTTPResponse:
    """The response body for one operation's result."""
    if not result.errors:  # the usual case: what `process_result` makes of it, directly
        payload: GraphQLHTTPResponse = {"data": result.data}
        if result.extensions:
            payload["extensions"] = result.extensions
        return payload
    formatted = dict(process_result(result))
    return shape(formatted, max_errors=max_errors, suggestions=suggestions)  # type: ignore[return-value]


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


def computed(
    batch: bool,
    executed: Executed,
    lookup: Cacheable | Bypass | None,
    shaping: Shaping,
) -> Computed:
    """The answer to send: each result shaped, with the response cache's
    `extensions.cache` and headers when there is a cache."""
    if batch:
        payloads = [_payload(result, executed, lookup, shaping)[0] for result in executed.results]
        return Computed(Answer(payloads, executed.headers))
    [result] = executed.results
    payload, entry, tags = _payload(result, executed, lookup, shaping)
    return Computed(Answer(payload, executed.headers), entry, tags)


def _payload(
    result: ExecutionResult,
    executed: Executed,
    lookup: Cacheable | Bypass | None,
    shaping: Shaping,
) -> tuple[GraphQLHTTPResponse, Entry | None, frozenset[str]]:
    payload = shaped(result, max_errors=shaping.max_errors, suggestions=shaping.suggestions)
    if lookup is None:
        return payload, None, frozenset()
    failed = bool(result.errors)
    reads, invalidation = executed.reads, executed.invalidation
    return annotate(lookup, payload, failed, reads, invalidation, executed.headers)
