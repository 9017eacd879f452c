"""The planned executor answers byte for byte like the reference executor.

Every operation pinned by the read API's tests (tests/gql/operations), the
benchmark's (bench/queries) and this folder's runs through both executors,
anonymous and as an admin, on both backends. Data, errors, paths and key
order must be identical; an operation the planner covers must actually be
planned (no `extensions.planner.fallback`). The read API's operations take
exactly their pinned statement counts on each executor
(tests/gql/test_statement_counts.py checks them for n = 1, 20, 100: constant
in page size), and the benchmark's
Q1-Q4 no more statements than their response has levels.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from graphql import FieldNode, OperationDefinitionNode, SelectionSetNode, parse

from planner import reasons
from tests.gql.dataset import Dataset
from tests.gql.test_statement_counts import pinned_count
from tests.gql.test_statement_counts import variables as pinned_variables
from tests.planner.conftest import Executors, cost

ROOT = Path(__file__).parents[2]
FOLDERS = [
    ROOT / "tests" / "gql" / "operations",
    ROOT / "bench" / "queries",
    Path(__file__).parent / "operations",
]
OPERATIONS = sorted(path for folder in FOLDERS for path in folder.glob("*.graphql"))
DOCUMENTS = {path: path.read_text() for path in OPERATIONS}
VARIABLES = re.compile(r"^# variables: (.*)$", re.MULTILINE)
PINNED = re.compile(r"^# statements: (\d+)$", re.MULTILINE)


def variables_for(path: Path, dataset: Dataset) -> dict[str, Any]:
    text = DOCUMENTS[path]
    found = VARIABLES.search(text)
    if found:
        loaded: dict[str, Any] = orjson.loads(found.group(1))
        return loaded
    if path.parent.name == "operations" and path.parent.parent.name == "gql":
        return pinned_variables(path.stem, 20, dataset)
    return {"id": "RHJpdmVyOjE="} if "$id" in text else {}


def levels(document: str) -> int:
    """Levels of the response, per root field: the depth of each root field's
    nesting (fragments inlined), summed over the root fields."""
    parsed = parse(document)
    fragments = {d.name.value: d for d in parsed.definitions if hasattr(d, "type_condition")}

    def depth(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                deepest = max(deepest, 1 + depth(selection.selection_set))
            elif hasattr(selection, "selection_set"):
                deepest = max(deepest, depth(selection.selection_set))
            else:
                deepest = max(deepest, depth(fragments[selection.name.value].selection_set))
        return deepest

    [operation] = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    roots = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    return sum(1 + depth(root.selection_set) for root in roots)


@pytest.mark.parametrize("admin", [False, True], ids=["anonymous", "admin"])
@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_planned_answers_like_the_reference(
    executors: Executors, dataset: Dataset, path: Path, admin: bool
) -> None:
    document = DOCUMENTS[path]
    planned, reference = await executors.both(document, variables_for(path, dataset), admin=admin)
    assert planned.body == reference.body
    assert cost(planned) == cost(reference)  # counted by the planner, walked by the reference
    if "# planned: no" in document:
        assert planned.extensions["planner"]["fallback"] in reasons.REASONS
    else:
        assert "planner" not in planned.extensions, planned.extensions
        if PINNED.search(document):
            assert planned.statements == pinned_count(document, "planned")
            assert reference.statements == pinned_count(document, "reference")
        elif path.parent.name == "queries":  # the benchmark's Q1-Q4
            assert planned.statements <= levels(document), (planned.statements, levels(document))
    assert "planner" not in reference.extensions  # planner off: nothing to report


async def test_errors_come_from_the_reference_executor(executors: Executors) -> None:
    planned, reference = await executors.both('{ driver(id: "nope") { name } }')
    assert planned.body == reference.body
    assert b'"errors"' in planned.body
    assert planned.extensions["planner"]["fallback"] == "error_to_report"
