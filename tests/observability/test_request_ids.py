"""X-Request-ID: accepted when sane, else replaced; on the response, the log lines
of the request and its span."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from observability.request_id import MAX_LENGTH, request_id
from tests.observability.app import traced_app
from tests.observability.conftest import BROKEN_QUERY

QUERY = "query Ids { seasons(first: 1) { nodes { name } } }"
GENERATED = re.compile(r"[0-9a-f]{32}")


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "sent",
    ["3f2c1a9e-77b1-4c1e-9d5e-0a1b2c3d4e5f", "lb:Root=1-67a2b3c4+x/y=@z", "a" * MAX_LENGTH],
)
async def test_a_sane_id_round_trips(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str], sent: str
) -> None:
    async with traced_app(seeded_db_url) as app:
        capsys.readouterr()
        response = await app.post(QUERY, headers={"X-Request-ID": sent})
        assert response.status_code == 200
    assert response.headers["x-request-id"] == sent
    [line] = [line for line in _lines(capsys) if line["logger"] == "fleetgraph.request"]
    assert line["request_id"] == sent
    server = app.one("POST /graphql")
    assert server.attributes is not None
    assert server.attributes["http.request.id"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "a" * (MAX_LENGTH + 1), "two words", "semi;colon", 'quote"d', "caf\u00e9", "tab\tbed"],
    ids=["empty", "too-long", "space", "semicolon", "quote", "non-ascii", "tab"],
)
async def test_an_insane_id_is_replaced(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str], sent: str
) -> None:
    async with traced_app(seeded_db_url) as app:
        capsys.readouterr()
        response = await app.post(QUERY, headers={"X-Request-ID": sent.encode()})
        assert response.status_code == 200
    replaced = response.headers["x-request-id"]
    assert GENERATED.fullmatch(replaced)
    [line] = [line for line in _lines(capsys) if line["logger"] == "fleetgraph.request"]
    assert line["request_id"] == replaced
    assert app.one("POST /graphql").attributes["http.request.id"] == replaced  # type: ignore[index]


async def test_an_id_is_made_when_none_is_sent(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with traced_app(seeded_db_url, tracing=False) as app:
        first = await app.post(QUERY)
        second = await app.post(QUERY)  # a response-cache hit: an id all the same
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(GENERATED.fullmatch(i) for i in ids) and ids[0] != ids[1]


async def test_every_log_line_of_the_request_carries_its_id(
    broken_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An unexpected error is logged while the request is served, before its own line.
    async with traced_app(broken_sqlite_url, tracing=False, planner_enabled=False) as app:
        capsys.readouterr()
        response = await app.post(BROKEN_QUERY, headers={"X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    served = [line for line in _lines(capsys) if line.get("request_id")]
    assert [(line["logger"], line["request_id"]) for line in served] == [
        ("fleetgraph.errors", "req-42"),
        ("fleetgraph.request", "req-42"),
    ]


def test_the_id_is_read_from_the_first_header_only() -> None:
    headers = [(b"x-request-id", b"bad value"), (b"x-request-id", b"good")]
    assert GENERATED.fullmatch(request_id(headers))
    assert request_id([(b"x-request-id", b"good")]) == "good"
