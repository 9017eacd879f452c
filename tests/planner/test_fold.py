"""`driver(id) { trips }` in one statement on PostgreSQL (`Batched.fold`): the driver,
its joined vehicle and its page of trips; SQLite (no LATERAL) takes two. Answers stay
the reference executor's (tests/planner/operations/driver_folded_trips.graphql covers
cursors, totals, aliases and a missing driver)."""

from __future__ import annotations

import pytest

from tests.planner.conftest import Executors

FOLDED = """query($id: ID!, $n: Int) { driver(id: $id) { name vehicle { plate }
  trips(first: $n) { totalCount nodes { id startedAt } } } }"""


def _on_postgresql(executors: Executors) -> bool:
    return executors.planned.settings.database_url.startswith("postgresql")


@pytest.mark.parametrize("driver", ["RHJpdmVyOjE=", "RHJpdmVyOjk5OTk5OQ=="])  # 1; 999999: none
@pytest.mark.parametrize("n", [1, 20])
async def test_a_driver_and_its_trips_take_one_statement(
    executors: Executors, driver: str, n: int
) -> None:
    planned, reference = await executors.both(FOLDED, {"id": driver, "n": n})
    assert planned.body == reference.body
    assert "planner" not in planned.extensions
    exists = driver == "RHJpdmVyOjE="
    # SQLite: the driver, then its trips (none to load for a missing driver).
    assert planned.statements == (2 if exists and not _on_postgresql(executors) else 1)


# The driver's columns come on the page's first row only (NULL on the others): an
# empty page (one row, no child) and a backward page (fetched in reverse) must still
# carry the whole driver.
DRIVER_WITH = """query($id: ID!) {{ driver(id: $id) {{ id name region vehicle {{ make plate }}
  trips({arguments}) {{ totalCount pageInfo {{ hasPreviousPage }} nodes {{ id startedAt }} }}
}} }}"""


@pytest.mark.parametrize(
    "arguments", ["first: 3, filter: {minDistanceKm: 1000000}", "last: 3"], ids=["empty", "last"]
)
async def test_the_driver_survives_empty_and_backward_pages(
    executors: Executors, arguments: str
) -> None:
    document = DRIVER_WITH.format(arguments=arguments)
    planned, reference = await executors.both(document, {"id": "RHJpdmVyOjE="})
    assert planned.body == reference.body
    assert "planner" not in planned.extensions
    assert planned.statements == (1 if _on_postgresql(executors) else 2)
    assert b'"name":null' not in planned.body and b'"vehicle":{"make":' in planned.body
