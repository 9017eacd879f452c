"""`leaderboard` for every metric, season and region, against a plain-Python ranking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.gql.client import GraphQLClient, Json
from tests.gql.dataset import METRICS, Dataset, LeaderboardRow
from tests.gql.ids import global_id

BOARD = """
  totalCount metric season { id name }
  pageInfo { hasNextPage hasPreviousPage }
  edges {
    cursor
    node {
      rank value
      driver { id region }
      stats { trips distanceKm safetyScore safetyEvents }
    }
  }
"""


def entry(row: LeaderboardRow, region: str) -> Json:
    return {
        "rank": row.rank,
        "value": row.value,
        "driver": {"id": global_id("Driver", row.driver_id), "region": region},
        "stats": {
            "trips": row.stats["trips"],
            "distanceKm": row.stats["distance_km"],
            "safetyScore": row.stats["safety_score"],
            "safetyEvents": row.stats["safety_events"],
        },
    }


def check_board(
    board: Json, dataset: Dataset, season_id: int, metric: str, region: str | None
) -> None:
    expected = dataset.leaderboard(season_id, metric, region)
    regions = {d["id"]: d["region"] for d in dataset.drivers}
    assert board["metric"] == metric
    assert board["season"]["id"] == global_id("Season", season_id)
    assert board["totalCount"] == len(expected)
    assert [e["node"] for e in board["edges"]] == [
        entry(row, regions[row.driver_id]) for row in expected
    ]
    assert board["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": False}


@pytest.mark.parametrize("metric", list(METRICS))
async def test_leaderboard_every_season_and_region(
    gql: GraphQLClient, dataset: Dataset, metric: str
) -> None:
    """Per season, one request: the whole fleet and every region (plus an empty one)."""
    regions = [None, *dataset.regions(), "Atlantis"]
    for season in dataset.seasons:
        season_id = global_id("Season", season["id"])
        fields = [
            f'b{i}: leaderboard(seasonId: "{season_id}", metric: {metric}, first: 100'
            + ("" if region is None else f', region: "{region}"')
            + f") {{ {BOARD} }}"
            for i, region in enumerate(regions)
        ]
        data = await gql.data("{ " + " ".join(fields) + " }")
        for i, region in enumerate(regions):
            check_board(data[f"b{i}"], dataset, season["id"], metric, region)


async def test_leaderboard_ranks_have_ties(dataset: Dataset) -> None:
    """The ranking rules are exercised: some board has shared ranks."""
    ties = 0
    for season in dataset.seasons:
        for metric in METRICS:
            ranks = [e.rank for e in dataset.leaderboard(season["id"], metric)]
            ties += len(ranks) - len(set(ranks))
    assert ties > 0


async def test_leaderboard_defaults_to_the_active_season_and_safety_score(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    active = dataset.active_season(datetime.now(UTC))
    result, _ = await gql.run(f"{{ leaderboard(first: 100) {{ {BOARD} }} }}")
    if active is None:
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        return
    assert "errors" not in result
    check_board(result["data"]["leaderboard"], dataset, active["id"], "SAFETY_SCORE", None)


async def test_leaderboard_of_a_season_without_rows(gql: GraphQLClient) -> None:
    season = global_id("Season", 999)
    fields = "totalCount edges { cursor } pageInfo { hasNextPage }"
    query = f'{{ leaderboard(seasonId: "{season}") {{ {fields} }} }}'
    data = await gql.data(query)
    assert data["leaderboard"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False},
    }


async def test_leaderboard_season_id_must_be_a_season(gql: GraphQLClient) -> None:
    query = f'{{ leaderboard(seasonId: "{global_id("Driver", 1)}") {{ totalCount }} }}'
    assert await gql.error_codes(query) == ["INVALID_ID"]
