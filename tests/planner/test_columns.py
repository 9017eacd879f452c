"""Planned page statements read only the columns their selection needs
(planner/columns.py); answers stay the reference executor's (test_differential)."""

from __future__ import annotations

import re

import pytest

from db.statements import record_statements
from gql.types.trip import TRIP_PLANS
from planner.columns import connection_columns
from planner.fields import Batched, Computed
from planner.plan import Selection
from tests.planner.conftest import Executors


def _selection(*paths: str) -> Selection:
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for path in paths:
        node = root
        for name in path.split("."):
            node = node.setdefault(name, {})

    def build(children: dict) -> Selection:  # type: ignore[type-arg]
        return Selection({name: build(below) for name, below in children.items()})

    return build(root)


def test_the_selected_fields_columns_and_id() -> None:
    selection = _selection("nodes.distanceKm", "nodes.__typename", "totalCount")
    assert connection_columns(selection, TRIP_PLANS, ("started_at", "id")) == (
        "distance_km",
        "id",
    )


def test_declared_columns_of_computed_and_batched_fields() -> None:
    selection = _selection("edges.node.id", "edges.node.driver.name", "nodes.vehicle.plate")
    assert connection_columns(selection, TRIP_PLANS, ("started_at", "id")) == (
        "driver_id",
        "id",
        "vehicle_id",
    )


@pytest.mark.parametrize("cursor", ["edges.cursor", "pageInfo.endCursor", "pageInfo.startCursor"])
def test_a_cursor_needs_the_ordering_columns(cursor: str) -> None:
    selection = _selection("nodes.safetyScore", cursor)
    assert connection_columns(selection, TRIP_PLANS, ("started_at", "id")) == (
        "id",
        "safety_score",
        "started_at",
    )


def test_a_field_without_declared_columns_reads_them_all() -> None:
    plans = {
        **TRIP_PLANS,
        "guess": Computed(lambda row: row.ended_at),
        "later": Batched(TRIP_PLANS["driver"].load),  # type: ignore[union-attr]
    }
    for field in ("guess", "later"):
        assert connection_columns(_selection(f"nodes.{field}"), plans, ("id",)) is None


Q2_SHAPE = """{ drivers(first: 3) { nodes { id name trips(first: 2) { totalCount
  nodes { id distanceKm safetyEvents(first: 2) { nodes { kind severity } } } } } } }"""


async def test_unselected_timestamps_are_not_read(executors: Executors) -> None:
    with record_statements() as log:
        planned, reference = await executors.both(Q2_SHAPE)
    assert planned.body == reference.body
    assert "planner" not in planned.extensions
    planned_sql = log.statements[: planned.statements]
    returned = [statement.split("FROM")[0] for statement in planned_sql]
    assert len(returned) == 3
    for columns in returned:
        for unused in ("created_at", "started_at", "ended_at", "occurred_at"):
            assert unused not in columns, columns


LEADERBOARD_SHAPE = """{ leaderboard(first: 3) { nodes { rank value stats { trips }
  driver { id name vehicle { plate } } } } }"""


async def test_the_leaderboard_reads_only_the_selected_driver_columns(
    executors: Executors,
) -> None:
    with record_statements() as log:
        planned, reference = await executors.both(LEADERBOARD_SHAPE)
    assert planned.body == reference.body
    assert "planner" not in planned.extensions
    [page] = [s for s in log.statements[: planned.statements] if "driver_season_stats" in s]
    # The page is a CTE whose select list is what the entries read; the rank comes
    # from a window over the same table after it.
    returned = page.split("\nFROM driver_season_stats JOIN")[0].split("(SELECT", 1)[1]
    assert "driver__name" in returned
    assert "vehicle__plate" in returned
    for unused in ("driver__created_at", "driver__email", "driver__region", "vehicle__make"):
        assert unused not in returned, returned
    # `stats { trips }`: the stats columns read are that, the cursor's and the metric.
    read = set(re.findall(r"driver_season_stats\.(\w+)", returned))
    assert read == {"driver_id", "trips", "safety_score"}, returned
