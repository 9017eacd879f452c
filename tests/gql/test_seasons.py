"""`season` / `seasons` / `activeSeason`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.gql.client import GraphQLClient, Json
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id

SEASON_FIELDS = "id name startsAt endsAt"


def season_json(row: dict[str, Any]) -> Json:
    return {
        "id": global_id("Season", row["id"]),
        "name": row["name"],
        "startsAt": row["starts_at"].isoformat(),
        "endsAt": row["ends_at"].isoformat(),
    }


async def test_season_by_id(gql: GraphQLClient, dataset: Dataset) -> None:
    query = f"query($id: ID!) {{ season(id: $id) {{ {SEASON_FIELDS} }} }}"
    for row in dataset.seasons:
        data = await gql.data(query, {"id": global_id("Season", row["id"])})
        assert data["season"] == season_json(row)
    assert (await gql.data(query, {"id": global_id("Season", 999)}))["season"] is None


async def test_seasons_oldest_first(gql: GraphQLClient, dataset: Dataset) -> None:
    query = f"{{ seasons {{ totalCount nodes {{ {SEASON_FIELDS} }} pageInfo {{ hasNextPage }} }} }}"
    conn = (await gql.data(query))["seasons"]
    assert conn["nodes"] == [season_json(s) for s in dataset.seasons_ordered()]
    assert conn["totalCount"] == len(dataset.seasons) == 4
    assert conn["pageInfo"] == {"hasNextPage": False}


async def test_active_season_is_the_one_holding_now(gql: GraphQLClient, dataset: Dataset) -> None:
    """TEST_PLAN's anchor is pinned: which season is active depends on today's date."""
    query = f"{{ activeSeason {{ {SEASON_FIELDS} }} }}"
    data = await gql.data(query)
    active = dataset.active_season(datetime.now(UTC))
    assert data["activeSeason"] == (None if active is None else season_json(active))
