"""`extensions.planner.fallback` says why with a fixed code (planner/reasons.py), never
with an exception's class name or message, on the fast path and the general route."""

from __future__ import annotations

from typing import Any

import pytest

import pipeline.execute
from planner import reasons
from tests.planner.conftest import Executors

TWO = "query A { seasons(first: 1) { totalCount } } query B { seasons(first: 2) { totalCount } }"
DRIVERS = "{ drivers(first: 2) { nodes { id name } } }"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"query": "{ __schema { queryType { name } } }"}, reasons.INTROSPECTION),
        ({"query": "query ($n: Int) { drivers(first: $n) { totalCount } }"}, None),
        ({"query": TWO, "operationName": "B"}, None),
        (
            {"query": 'mutation { deleteTrip(id: "VHJpcDox") { deletedId } }'},
            reasons.NOT_A_QUERY,
        ),
    ],
    ids=["introspection", "planned", "named", "mutation"],
)
async def test_reasons_are_codes(
    executors: Executors, body: dict[str, Any], reason: str | None
) -> None:
    response = await executors.planned.http.post("/graphql", json=body)
    extensions = response.json().get("extensions", {})
    assert extensions.get("planner", {}).get("fallback") == reason


async def test_an_answer_with_an_error_is_the_references_to_report(executors: Executors) -> None:
    response = await executors.planned.http.post(
        "/graphql", json={"query": '{ driver(id: "nope") { name } }'}
    )
    assert response.json()["extensions"]["planner"] == {"fallback": reasons.ERROR_TO_REPORT}


class Boom(KeyError):
    """An unexpected failure of the planned run, with a message that must not leak."""


async def _explode(*args: Any, **kwargs: Any) -> Any:
    raise Boom("secret-column-name")


@pytest.mark.parametrize("route", ["fast path", "general route"])
async def test_an_unexpected_planner_failure_says_only_execution_error(
    executors: Executors, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    monkeypatch.setattr(pipeline.execute, "run_planned", _explode)  # both routes run it there
    http = executors.planned.http
    if route == "fast path":
        response = await http.post("/graphql", json={"query": DRIVERS})
    else:
        response = await http.get("/graphql", params={"query": DRIVERS})
    assert response.status_code == 200
    body = response.json()
    assert len(body["data"]["drivers"]["nodes"]) == 2  # the reference executor answered
    assert body["extensions"]["planner"] == {"fallback": reasons.EXECUTION_ERROR}
    assert "Boom" not in response.text and "secret" not in response.text


def test_reasons_are_lowercase_words() -> None:
    assert all(reason.isidentifier() and reason.islower() for reason in reasons.REASONS)
