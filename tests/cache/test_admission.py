"""The response cache reads a document's selections only once the limits accept it."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import response_cache
from selections import CollectedOperation
from tests.cache.client import serving
from tests.selections.chain import chain

# Under the collector's budget of 100 when measured (untyped, before validation), over
# it once collected per possible type of `Node` (five of them): the guard refuses it.
WIDE = "{ nodes(ids: []) { ...N } } fragment N on Node { " + "id " * 40 + "}"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


async def test_no_plan_for_a_document_the_limits_refuse(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned: list[CollectedOperation] = []
    plan_operation = response_cache.plan_operation

    def counting(*args: Any) -> Any:
        planned.append(args[2])
        return plan_operation(*args)

    monkeypatch.setattr(response_cache, "plan_operation", counting)
    async with serving(seeded_url, max_selection_steps=100, max_depth=4) as client:
        refused = {
            "{ drivers { nodes { vehicle { driver { vehicle { id } } } } } }": "QUERY_TOO_DEEP",
            chain(30): "SELECTION_TOO_COMPLEX",  # refused by the limit rules
            WIDE: "SELECTION_TOO_COMPLEX",  # refused by the guard's document checks
        }
        for query, code in refused.items():
            body = (await client.post(query)).json()
            assert codes(body) == [code], query
            assert body["extensions"]["cache"]["status"] == "bypass"
        named = (await client.post("{ activeSeason { id } }", operation_name="Nope")).json()
        assert codes(named) == ["BAD_REQUEST"]
        assert planned == []
        query = "{ activeSeason { id name } }"
        first = await client.post(query)
        assert first.json()["extensions"]["cache"]["status"] == "miss"
        assert (await client.post(query)).json()["extensions"]["cache"]["status"] == "hit"
        assert len(planned) == 1  # then memoized with the collected operation
