"""JSON log lines: one per request, joined to the request's spans by trace_id."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auth import mint_token
from tests.observability.app import JWT_SECRET, traced_app
from tests.observability.conftest import BROKEN_QUERY

QUERY = "query LogMe($n: Int!) { seasons(first: $n) { nodes { name } } }"


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _requests(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "fleetgraph.request"]


async def test_one_json_line_per_request_joined_to_its_trace(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    token = mint_token(JWT_SECRET, role="admin")
    async with traced_app(seeded_db_url) as app:
        capsys.readouterr()
        response = await app.post(
            QUERY,
            body={"variables": {"n": 2}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
    [line] = _requests(_lines(capsys))
    assert line["level"] == "info" and line["message"] == "request"
    assert line["timestamp"].endswith("+00:00")
    assert line["operation_name"] == "LogMe" and line["operation_type"] == "query"
    assert line["status"] == 200 and line["path"] == "/graphql" and line["method"] == "POST"
    assert line["duration_ms"] > 0
    assert line["error_codes"] == []
    assert isinstance(line["sql_statements"], int)
    assert line["executor"] in ("planned", "reference")
    assert "variables" not in line
    assert token not in json.dumps(line)

    server = app.one("POST /graphql")
    assert line["trace_id"] == f"{server.context.trace_id:032x}"
    assert line["span_id"] == f"{server.context.span_id:016x}"
    assert response.headers["traceresponse"].split("-")[1] == line["trace_id"]


async def test_variables_only_when_allowed(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with traced_app(seeded_db_url, tracing=False, log_variables=True) as app:
        capsys.readouterr()
        await app.post(QUERY, body={"variables": {"n": 1}})
    [line] = _requests(_lines(capsys))
    assert line["variables"] == {"n": 1}
    assert "trace_id" not in line  # tracing off: nothing to join


async def test_unexpected_error_logs_one_line_with_the_exception_and_reference(
    broken_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with traced_app(broken_sqlite_url, planner_enabled=False) as app:
        capsys.readouterr()
        response = await app.post(BROKEN_QUERY)
    reference = response.json()["errors"][0]["extensions"]["reference"]
    lines = _lines(capsys)
    with_exception = [line for line in lines if "exception" in line]
    assert len(with_exception) == 1, lines  # no second traceback (Strawberry's own is muted)
    [error] = with_exception
    assert error["level"] == "error" and reference in error["message"]
    assert "vehicles" in error["exception"]
    [request] = _requests(lines)
    assert request["error_codes"] == ["INTERNAL_SERVER_ERROR"]
    assert request["error_references"] == [reference]
    assert error["trace_id"] == request["trace_id"]


async def test_response_cache_status_and_name_even_on_a_hit(
    seeded_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "query CacheLog { seasons(first: 1) { nodes { name } } }"
    async with traced_app(seeded_db_url, tracing=False, response_cache_enabled=True) as app:
        capsys.readouterr()
        for _ in range(2):
            assert (await app.post(query)).status_code == 200
    lines = _requests(_lines(capsys))
    assert [line["cache"] for line in lines] == ["miss", "hit"]
    assert [line["operation_name"] for line in lines] == ["CacheLog", "CacheLog"]
    assert lines[1]["sql_statements"] == 0
