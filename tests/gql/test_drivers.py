"""`drivers` / `driver` and every Driver field, checked against the seeded rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.gql.client import GraphQLClient, Json, serving
from tests.gql.dataset import METRICS, Dataset
from tests.gql.ids import global_id

DRIVERS = """
query($filter: DriverFilter, $orderBy: DriverOrder, $first: Int) {
  drivers(first: $first, filter: $filter, orderBy: $orderBy) {
    totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage }
  }
}
"""
DRIVER_FIELDS = """
query {
  drivers(first: 100) {
    nodes {
      id name email region createdAt
      vehicle { id make model year plate driver { id } }
      riskScore { score level computedAt }
    }
  }
}
"""
STATS_FIELDS = "{ trips distanceKm safetyScore safetyEvents }"


def ids(conn: Json) -> list[str]:
    return [node["id"] for node in conn["nodes"]]


def driver_ids(rows: list[dict[str, Any]]) -> list[str]:
    return [global_id("Driver", row["id"]) for row in rows]


async def test_drivers_without_arguments_is_a_first_page_by_id(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    conn = (await gql.data(DRIVERS))["drivers"]
    assert ids(conn) == driver_ids(dataset.drivers_ordered())[:20]
    assert conn["totalCount"] == len(dataset.drivers)
    assert conn["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False}


@pytest.mark.parametrize("field", ["NAME", "CREATED_AT", "RISK_SCORE"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_drivers_order(
    gql: GraphQLClient, dataset: Dataset, field: str, direction: str
) -> None:
    order = {"field": field, "direction": direction}
    conn = (await gql.data(DRIVERS, {"orderBy": order, "first": 100}))["drivers"]
    assert ids(conn) == driver_ids(dataset.drivers_ordered(field, direction == "DESC"))
    assert conn["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": False}


async def test_driver_order_direction_defaults_to_ascending(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    conn = (await gql.data(DRIVERS, {"orderBy": {"field": "NAME"}, "first": 100}))["drivers"]
    assert ids(conn) == driver_ids(dataset.drivers_ordered("NAME", False))


async def test_drivers_filter_by_region(gql: GraphQLClient, dataset: Dataset) -> None:
    for region in [*dataset.regions(), "Atlantis"]:
        conn = (await gql.data(DRIVERS, {"filter": {"region": region}, "first": 100}))["drivers"]
        expected = driver_ids(dataset.drivers_ordered(region=region))
        assert ids(conn) == expected, region
        assert conn["totalCount"] == len(expected)


async def test_drivers_filter_by_risk_level(gql: GraphQLClient, dataset: Dataset) -> None:
    seen = 0
    for level in ["LOW", "MEDIUM", "HIGH", "CRITICAL"]:
        conn = (await gql.data(DRIVERS, {"filter": {"riskLevel": level}, "first": 100}))["drivers"]
        expected = driver_ids(dataset.drivers_ordered(risk_level=level))
        assert ids(conn) == expected, level
        assert conn["totalCount"] == len(expected)
        seen += len(expected)
    assert seen == len(dataset.drivers)


async def test_drivers_name_contains_is_case_insensitive(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    name = dataset.drivers[0]["name"]
    last = name.split()[-1]
    needles = [last, last.lower(), last.upper(), last[1:3].swapcase(), name, "zzzz-none"]
    for needle in needles:
        conn = (await gql.data(DRIVERS, {"filter": {"nameContains": needle}, "first": 100}))[
            "drivers"
        ]
        expected = driver_ids(dataset.drivers_ordered(name_contains=needle))
        assert ids(conn) == expected, needle
        assert conn["totalCount"] == len(expected)
    assert dataset.drivers_ordered(name_contains=last.upper())  # the case test is not vacuous


@pytest.mark.parametrize("needle", ["%", "_", "a%", "%a", "\\", "[a]"])
async def test_drivers_name_contains_matches_wildcards_literally(
    gql: GraphQLClient, dataset: Dataset, needle: str
) -> None:
    conn = (await gql.data(DRIVERS, {"filter": {"nameContains": needle}, "first": 100}))["drivers"]
    assert ids(conn) == driver_ids(dataset.drivers_ordered(name_contains=needle)) == []


async def test_drivers_combined_filters_and_order(gql: GraphQLClient, dataset: Dataset) -> None:
    for driver in dataset.drivers[:8]:
        spec = {
            "region": driver["region"],
            "riskLevel": driver["risk_level"],
            "nameContains": driver["name"][0].lower(),
        }
        order = {"field": "RISK_SCORE", "direction": "DESC"}
        conn = (await gql.data(DRIVERS, {"filter": spec, "orderBy": order, "first": 100}))[
            "drivers"
        ]
        expected = dataset.drivers_ordered(
            "RISK_SCORE",
            True,
            region=driver["region"],
            risk_level=driver["risk_level"],
            name_contains=driver["name"][0].lower(),
        )
        assert ids(conn) == driver_ids(expected)
        assert global_id("Driver", driver["id"]) in ids(conn)
        assert conn["totalCount"] == len(expected)


async def test_driver_fields(gql: GraphQLClient, dataset: Dataset) -> None:
    nodes = (await gql.data(DRIVER_FIELDS))["drivers"]["nodes"]
    assert len(nodes) == len(dataset.drivers)
    for node, row in zip(nodes, dataset.drivers_ordered(), strict=True):
        vehicle = dataset.vehicle_of_driver(row["id"])
        risk = dataset.latest_risk_score(row["id"])
        assert node == {
            "id": global_id("Driver", row["id"]),
            "name": row["name"],
            "email": None,  # private: anonymous callers never see it
            "region": row["region"],
            "createdAt": row["created_at"].isoformat(),
            "vehicle": vehicle
            and {
                "id": global_id("Vehicle", vehicle["id"]),
                "make": vehicle["make"],
                "model": vehicle["model"],
                "year": vehicle["year"],
                "plate": vehicle["plate"],
                "driver": {"id": global_id("Driver", row["id"])},
            },
            "riskScore": risk
            and {
                "score": risk["score"],
                "level": risk["level"],
                "computedAt": risk["computed_at"].isoformat(),
            },
        }


async def test_seed_gives_drivers_a_risk_history(dataset: Dataset) -> None:
    """`riskScore` is checked against the latest history row: that needs real histories."""
    histories = [r for r in dataset.risk_scores if r["driver_id"] == dataset.drivers[0]["id"]]
    assert histories  # every seeded driver has a history
    assert any(
        len([r for r in dataset.risk_scores if r["driver_id"] == d["id"]]) > 1
        for d in dataset.drivers
    ), "no driver with several scores: the 'latest' test would be vacuous"


async def test_email_is_visible_to_an_admin(gql: GraphQLClient, dataset: Dataset) -> None:
    query = "{ drivers(first: 100) { nodes { id email } } }"
    nodes = (await gql.data(query, token=gql.admin_token()))["drivers"]["nodes"]
    assert [n["email"] for n in nodes] == [d["email"] for d in dataset.drivers_ordered()]
    reader = gql.token(role="reader")
    nodes = (await gql.data(query, token=reader))["drivers"]["nodes"]
    assert {n["email"] for n in nodes} == {None}


async def test_a_bad_token_is_refused(gql: GraphQLClient) -> None:
    response = await gql.http.post(
        "/graphql",
        json={"query": "{ drivers { totalCount } }"},
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_driver_by_id(gql: GraphQLClient, dataset: Dataset) -> None:
    row = dataset.drivers[11]
    query = "query($id: ID!) { driver(id: $id) { id name region } }"
    data = await gql.data(query, {"id": global_id("Driver", row["id"])})
    assert data["driver"] == {
        "id": global_id("Driver", row["id"]),
        "name": row["name"],
        "region": row["region"],
    }


# ---- Driver.trips ------------------------------------------------------------

TRIP_ORDERS = [
    None,
    *[(f, d) for f in ("STARTED_AT", "DISTANCE", "SAFETY_SCORE") for d in ("ASC", "DESC")],
]


def _trip_filters(dataset: Dataset) -> list[dict[str, Any] | None]:
    starts = sorted(t["started_at"] for t in dataset.trips)
    distances = sorted(t["distance_km"] for t in dataset.trips)
    middle, late = starts[len(starts) // 2], starts[3 * len(starts) // 4]
    return [
        None,
        {"startedAfter": middle},
        {"startedBefore": middle},
        {"startedAfter": middle, "startedBefore": late},
        {"minDistanceKm": distances[len(distances) // 2]},
        {"startedAfter": middle, "minDistanceKm": distances[len(distances) // 3]},
        {"startedAfter": late, "startedBefore": middle},  # empty window
    ]


def _literal(spec: dict[str, Any]) -> str:
    parts = [
        f'{k}: "{v.isoformat()}"' if isinstance(v, datetime) else f"{k}: {v!r}"
        for k, v in spec.items()
    ]
    return "{" + ", ".join(parts) + "}"


async def test_driver_trips_every_filter_and_order_for_every_driver(
    seeded_db_url: str, dataset: Dataset
) -> None:
    """One request: every driver, filter and order, as aliases (batched loads).

    Far over the default alias and cost limits on purpose: its own app lifts them.
    """
    combos = [(f, o) for f in _trip_filters(dataset) for o in TRIP_ORDERS]
    fields = []
    for i, (spec, order) in enumerate(combos):
        args = ["first: 100"]
        if spec is not None:
            args.append(f"filter: {_literal(spec)}")
        if order is not None:
            args.append(f"orderBy: {{field: {order[0]}, direction: {order[1]}}}")
        fields.append(f"t{i}: trips({', '.join(args)}) {{ totalCount nodes {{ id }} }}")
    query = f"{{ drivers(first: 100) {{ nodes {{ id {' '.join(fields)} }} }} }}"
    async with serving(seeded_db_url, max_aliases=0, max_query_cost=10**7) as gql:
        nodes = (await gql.data(query))["drivers"]["nodes"]
    assert len(nodes) == len(dataset.drivers)
    nonempty = 0
    for node, driver in zip(nodes, dataset.drivers_ordered(), strict=True):
        for i, (spec, order) in enumerate(combos):
            field, direction = order or ("STARTED_AT", "DESC")
            kwargs = {
                "started_after": (spec or {}).get("startedAfter"),
                "started_before": (spec or {}).get("startedBefore"),
                "min_distance_km": (spec or {}).get("minDistanceKm"),
            }
            rows = dataset.trips_ordered(
                field, direction == "DESC", driver_id=driver["id"], **kwargs
            )
            expected = [global_id("Trip", t["id"]) for t in rows]
            assert ids(node[f"t{i}"]) == expected, (driver["id"], spec, order)
            assert node[f"t{i}"]["totalCount"] == len(expected)
            nonempty += bool(expected)
    assert nonempty > len(combos)  # the filters are not all vacuous


# ---- Driver.stats and Driver.rank --------------------------------------------


def _expected_stats(row: dict[str, Any] | None) -> Json:
    if row is None:
        return {"trips": 0, "distanceKm": 0.0, "safetyScore": None, "safetyEvents": 0}
    return {
        "trips": row["trips"],
        "distanceKm": row["distance_km"],
        "safetyScore": row["safety_score"],
        "safetyEvents": row["safety_events"],
    }


async def test_driver_stats_per_season_and_active(gql: GraphQLClient, dataset: Dataset) -> None:
    seasons = [s["id"] for s in dataset.seasons] + [999]
    fields = [
        f's{pk}: stats(seasonId: "{global_id("Season", pk)}") {STATS_FIELDS}' for pk in seasons
    ]
    fields.append(f"now: stats {STATS_FIELDS}")
    query = f"{{ drivers(first: 100) {{ nodes {{ id {' '.join(fields)} }} }} }}"
    nodes = (await gql.data(query))["drivers"]["nodes"]
    active = dataset.active_season(datetime.now(UTC))
    without = 0
    for node, driver in zip(nodes, dataset.drivers_ordered(), strict=True):
        for pk in seasons:
            row = dataset.stats_row(driver["id"], pk)
            assert node[f"s{pk}"] == _expected_stats(row), (driver["id"], pk)
            without += row is None
        active_row = None if active is None else dataset.stats_row(driver["id"], active["id"])
        assert node["now"] == _expected_stats(active_row)
    assert without > len(nodes)  # some drivers have no trip in some real season


async def test_driver_rank_for_every_season_and_metric(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    combos = [(s["id"], m) for s in dataset.seasons for m in METRICS]
    fields = [
        f'r{pk}_{metric}: rank(seasonId: "{global_id("Season", pk)}", metric: {metric})'
        for pk, metric in combos
    ]
    query = f"{{ drivers(first: 100) {{ nodes {{ id {' '.join(fields)} now: rank }} }} }}"
    nodes = (await gql.data(query))["drivers"]["nodes"]
    ranks = {
        (pk, metric): {e.driver_id: e.rank for e in dataset.leaderboard(pk, metric)}
        for pk, metric in combos
    }
    active = dataset.active_season(datetime.now(UTC))
    for node, driver in zip(nodes, dataset.drivers_ordered(), strict=True):
        for pk, metric in combos:
            assert node[f"r{pk}_{metric}"] == ranks[(pk, metric)].get(driver["id"]), (
                driver["id"],
                pk,
                metric,
            )
        expected_now = None if active is None else ranks[(active["id"], "SAFETY_SCORE")]
        assert node["now"] == (expected_now or {}).get(driver["id"])
