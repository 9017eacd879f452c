"""SQL statements per operation: pinned, and independent of how many rows it returns.

Each operation lives in operations/<name>.graphql with a `# statements: N`
header (the reference executor) and, where the planned executor folds a
to-one into its parent's statement, a `# planned statements: M` header. The
count must equal the pin for n = 1, 20 and 100 on every backend and both
executors: a count that grows with n is an N+1 (a load that does not batch).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.gql.client import GraphQLClient, Json
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id

OPERATIONS = Path(__file__).parent / "operations"
SIZES = (1, 20, 100)
PINNED = re.compile(r"^# statements: (\d+)$", re.MULTILINE)
PINNED_PLANNED = re.compile(r"^# planned statements: (\d+)$", re.MULTILINE)


def pinned_count(document: str, executor: str = "reference") -> int:
    planned = PINNED_PLANNED.search(document)
    if executor == "planned" and planned:
        return int(planned.group(1))
    match = PINNED.search(document)
    assert match, "an operation file needs a `# statements: N` header"
    return int(match.group(1))


def variables(name: str, n: int, dataset: Dataset) -> Json:
    if name == "nodes_mixed":
        return {
            "ids": [
                global_id(type_name, pk)
                for pk in range(1, n + 1)
                for type_name in ("Driver", "Trip", "Vehicle")
            ]
        }
    if name == "leaderboard_drivers":
        busiest = max(
            dataset.seasons_with_stats(), key=lambda s: len(dataset.leaderboard(s, "TRIPS"))
        )
        return {"n": n, "season": global_id("Season", busiest)}
    return {"n": n}


def returned(name: str, data: Json) -> int:
    """How many top-level items came back (the statement count must not follow it)."""
    if name == "nodes_mixed":
        return sum(node is not None for node in data["nodes"])
    root: Any = next(iter(data.values()))
    return len(root.get("nodes") or root.get("edges"))


@pytest.mark.parametrize("executor", ["planned", "reference"])
@pytest.mark.parametrize("name", sorted(p.stem for p in OPERATIONS.glob("*.graphql")))
async def test_statement_count_is_pinned_and_flat(
    gql: GraphQLClient, reference_gql: GraphQLClient, dataset: Dataset, name: str, executor: str
) -> None:
    client = gql if executor == "planned" else reference_gql
    document = (OPERATIONS / f"{name}.graphql").read_text()
    counts, sizes = {}, {}
    for n in SIZES:
        result, count = await client.run(document, variables(name, n, dataset))
        assert "errors" not in result, result["errors"]
        counts[n], sizes[n] = count, returned(name, result["data"])
    assert sizes[1] < sizes[20] < sizes[100]  # the operations do return more with n
    assert counts == dict.fromkeys(SIZES, pinned_count(document, executor)), counts
