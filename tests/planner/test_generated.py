"""Property test: documents generated from the served schema answer alike on both executors.

hypothesis-graphql builds random valid queries (arguments, aliases, nested
selections) over the read fields; both executors must return the same
data and errors. Bounded and derandomized, so CI runs the same examples
every time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphql import StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from gql.schema import build_schema
from tests.gql.ids import global_id
from tests.planner.conftest import Executors

FIELDS = ["drivers", "driver", "trips", "seasons", "activeSeason", "leaderboard", "nodes"]
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)

_ids = st.builds(
    global_id,
    st.sampled_from(["Driver", "Trip", "Vehicle", "Season", "SafetyEvent"]),
    st.integers(1, 80),
)
_instants = st.integers(-400, 10).map(lambda days: (ANCHOR + timedelta(days=days)).isoformat())
QUERIES = from_schema(
    build_schema()._schema,
    fields=FIELDS,
    custom_scalars={
        "ID": _ids.map(lambda value: StringValueNode(value=value)),
        "DateTime": _instants.map(lambda value: StringValueNode(value=value)),
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
    for query in queries:
        planned, reference = await executors.both(query)
        assert planned.body == reference.body, query
