"""What the live transports refuse, and how: graphql-transport-ws close codes and
`error` messages, graphql-sse HTTP errors, each with the codes queries get."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.live.clients import NodeClient
from tests.live.operations import LEADERBOARD
from tests.live.servers import AppProcess, token

Clients = Callable[..., NodeClient]
QUERY = "{ activeSeason { name } }"
DEEP = "subscription { tripRecorded { driver { trips { nodes { driver { trips { nodes { driver { trips { nodes { driver { trips { nodes { id } } } } } } } } } } } } } }"  # noqa: E501


COSTLY = """subscription { leaderboardChanged(first: 100) { leaderboard { nodes { driver {
  trips(first: 100) { nodes { safetyEvents(first: 100) { nodes { id } } } } } } } } }"""


def _codes(event: dict[str, object]) -> list[object]:
    errors = event.get("errors") or (event.get("body") or {}).get("errors")  # type: ignore[union-attr]
    return [e["extensions"]["code"] for e in errors]  # type: ignore[index, union-attr]


def test_websocket_bad_token_is_forbidden(app: AppProcess, clients: Clients) -> None:
    client = clients(
        "ws", app.ws_url, LEADERBOARD, connectionParams={"authorization": "Bearer x.y.z"}
    )
    closed = client.next_event()
    assert (closed["event"], closed["code"], closed["reason"]) == ("closed", 4403, "Forbidden")


def test_sse_bad_token_is_unauthenticated(app: AppProcess, clients: Clients) -> None:
    client = clients("sse", f"{app.url}/graphql", LEADERBOARD, token="x.y.z")
    refused = client.next_event()
    assert refused["event"] == "error" and refused["status"] == 401
    assert _codes(refused) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        (DEEP, {}, "QUERY_TOO_DEEP"),
        (COSTLY, {}, "QUERY_TOO_COSTLY"),
        (QUERY, {}, "OPERATION_NOT_SUPPORTED"),
        ("subscription { nope }", {}, "GRAPHQL_VALIDATION_FAILED"),
    ],
)
@pytest.mark.parametrize("transport", ["ws", "sse"])
def test_limits_refuse_with_codes(
    app: AppProcess,
    clients: Clients,
    transport: str,
    document: str,
    variables: dict[str, object],
    code: str,
) -> None:
    url = app.ws_url if transport == "ws" else f"{app.url}/graphql"
    refused = clients(transport, url, document, variables=variables).next_event()
    assert refused["event"] == "error", refused
    assert _codes(refused) == [code]
    if transport == "sse":
        assert refused["status"] == 400


def test_errors_while_running_carry_codes(app: AppProcess, clients: Clients) -> None:
    """Admitted, then refused by the field itself: a `next` with coded errors."""
    payload = clients("ws", app.ws_url, LEADERBOARD, variables={"first": 1_000}).next_payload()
    assert _codes(payload) == ["BAD_USER_INPUT"]


def test_caps_per_connection_client_and_process(
    start_app: Callable[..., AppProcess], clients: Clients
) -> None:
    app = start_app(
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION="2",
        LIVE_MAX_SUBSCRIPTIONS_PER_CLIENT="3",
        LIVE_MAX_CONNECTIONS="2",
    )
    first = clients("ws", app.ws_url, LEADERBOARD, count=3, token=token("reader", "a"))
    events = [first.next_event() for _ in range(3)]
    refused = [e for e in events if e["event"] == "error"]
    assert len(refused) == 1 and _codes(refused[0]) == ["TOO_MANY_SUBSCRIPTIONS"]
    assert sum(e["event"] == "next" for e in events) == 2
    # The same subject on another connection: its third subscription in all is its last.
    second = clients("ws", app.ws_url, LEADERBOARD, count=2, token=token("reader", "a"))
    events = [second.next_event() for _ in range(2)]
    assert sorted(e["event"] for e in events) == ["error", "next"]
    assert _codes(next(e for e in events if e["event"] == "error")) == ["TOO_MANY_SUBSCRIPTIONS"]
    # A third connection is one too many for the process.
    third = clients("ws", app.ws_url, LEADERBOARD, token=token("reader", "b"))
    closed = third.next_event()
    assert (closed["event"], closed["code"]) == ("closed", 1013)


def test_trusted_mode_runs_only_the_manifest(
    start_app: Callable[..., AppProcess], clients: Clients, tmp_path: Path
) -> None:
    sha = hashlib.sha256(LEADERBOARD.encode()).hexdigest()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{"id": sha, "name": "Board", "type": "subscription", "body": LEADERBOARD}],
    }))  # fmt: skip
    app = start_app(PERSISTED_QUERIES="trusted", TRUSTED_DOCUMENTS_FILE=str(manifest))
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    for transport, url in (("ws", app.ws_url), ("sse", f"{app.url}/graphql")):
        text = clients(transport, url, LEADERBOARD, variables={"first": 3}).next_event()
        assert text["event"] == "error" and _codes(text) == ["PERSISTED_QUERY_NOT_ALLOWED"]
        hashed = clients(transport, url, None, variables={"first": 3}, extensions=persisted)
        page = hashed.next_payload()["data"]["leaderboardChanged"]["leaderboard"]["nodes"]
        assert len(page) == 3


def test_a_subscription_over_plain_http_is_refused(app: AppProcess) -> None:
    for method in ("GET", "POST"):
        if method == "GET":
            response = httpx.get(f"{app.url}/graphql", params={"query": LEADERBOARD})
        else:
            response = httpx.post(f"{app.url}/graphql", json={"query": LEADERBOARD})
        assert response.status_code == 400
        assert _codes(response.json()) == ["OPERATION_NOT_SUPPORTED"]
