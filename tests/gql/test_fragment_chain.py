"""The reference executor on the doubling fragment chain: its prefetch and its joins
read the document's collected selections (selections/, memoized), never walking
a fragment again per spread."""

from __future__ import annotations

from typing import Any

import pytest

from selections import document as document_module
from tests.gql.client import GraphQLClient
from tests.selections.chain import chain

BELOW = "id vehicle { plate } trips(first: 3) { totalCount nodes { id } }"
CHAIN = chain(30, leaf=BELOW)
PLAIN = "{ drivers { nodes { " + BELOW + " } } }"


async def test_answered_like_the_same_fields_without_fragments(
    reference_gql: GraphQLClient,
) -> None:
    chained, chained_statements = await reference_gql.run(CHAIN)
    plain, plain_statements = await reference_gql.run(PLAIN)
    assert "errors" not in chained
    assert chained["data"] == plain["data"]
    assert chained["extensions"]["cost"] == plain["extensions"]["cost"]
    # The vehicles joined into the drivers' page (`selects`), every level warmed at
    # once (the prefetch): the same statements as without fragments.
    assert chained_statements == plain_statements


async def test_a_repeated_request_collects_nothing_again(
    reference_gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reference_gql.run(CHAIN)
    built: list[Any] = []
    collect_operation = document_module.collect_operation

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return collect_operation(*args, **kwargs)

    monkeypatch.setattr(document_module, "collect_operation", counting)
    again, _ = await reference_gql.run(CHAIN)
    assert "errors" not in again
    assert built == []  # the guard, `selects` and the prefetch read the memoized tree
