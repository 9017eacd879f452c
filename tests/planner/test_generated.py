"""Property test: documents generated from the served schema answer alike on both executors.

hypothesis-graphql builds random valid queries (random arguments, inline
fragments on the Node types, nested selections) over the read fields; both
executors must return the same data and errors, and a planned request may
take no more SQL statements than its plan has loads (one per loading field,
whatever the page sizes). Named fragments, aliases and @skip/@include are
covered by the hand-written operations (operations/). Bounded and
derandomized: CI runs the same 60 documents every time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphql import (
    REMOVE,
    ArgumentNode,
    DocumentNode,
    IntValueNode,
    StringValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from compat.strawberry import graphql_schema
from gql.planned import FIELD_REGISTRY
from gql.schema import build_schema
from planner.plan import PlanBuilder, find_operation
from selections import DocumentSelections
from tests.gql.ids import global_id
from tests.planner.conftest import Executors, cost

FIELDS = ["drivers", "driver", "trips", "seasons", "activeSeason", "leaderboard", "nodes"]
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)

_ids = st.builds(
    global_id,
    st.sampled_from(["Driver", "Trip", "Vehicle", "Season", "SafetyEvent"]),
    st.integers(1, 80),
)
_instants = st.integers(-400, 10).map(lambda days: (ANCHOR + timedelta(days=days)).isoformat())
SCHEMA = graphql_schema(build_schema())


class _NoCursors(Visitor):
    """Drop after/before: random strings are never valid cursors (the planner
    would hand every such request over); pagination with real cursors is
    covered by the pinned operations."""

    def enter_argument(self, node: ArgumentNode, *_: object) -> object:
        return REMOVE if node.name.value in ("after", "before") else None


def _print(document: DocumentNode) -> str:
    return print_ast(visit(document, _NoCursors()))


QUERIES = from_schema(
    SCHEMA,
    print_ast=_print,
    fields=FIELDS,
    custom_scalars={
        "ID": _ids.map(lambda value: StringValueNode(value=value)),
        "DateTime": _instants.map(lambda value: StringValueNode(value=value)),
        # Page sizes a client would send (larger ones are refused: those
        # requests fall back to the reference, which reports the error).
        "Int": st.integers(0, 12).map(lambda value: IntValueNode(value=str(value))),
    },
    allow_x00=False,
)


def generated_queries(count: int = 60) -> list[str]:
    """`count` documents, the same on every run (derandomized, no example database)."""
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=QUERIES)
    def collect(query: str) -> None:
        found.append(query)

    collect()
    return found


async def test_generated_documents_answer_alike(executors: Executors) -> None:
    # Hypothesis drives sync functions only; the documents are drawn first,
    # then both executors answer each on the session's event loop.
    queries = generated_queries()
    assert len(set(queries)) > 30  # the strategy really varies the documents
    planned_count = 0
    for query in queries:
        planned, reference = await executors.both(query)
        assert planned.body == reference.body, query
        assert cost(planned) == cost(reference), query
        if "planner" not in planned.extensions:
            planned_count += 1
            assert planned.statements <= statement_bound(query), query
    assert planned_count > len(queries) // 3  # most documents are planned, not handed over


def statement_bound(query: str) -> int:
    """The plan's loads: one statement per loading field, whatever the page sizes."""
    document = parse(query)
    collected = DocumentSelections(SCHEMA, document).collect(find_operation(document, None))
    return PlanBuilder(SCHEMA, FIELD_REGISTRY, is_admin=False).operation(collected).loads
