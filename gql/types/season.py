from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from cache import cache_control
from context import Context
from global_ids import id_encoder
from gql.types.connection import Connection
from gql.types.node import Node
from planner.connections import connection_plans
from planner.fields import Arguments, Attribute, Batched, FieldPlans, global_id
from resolvers import season as resolve


@cache_control(max_age=3600)  # reference data: seasons are planned ahead
@strawberry.type
class Season(Node):
    pk: strawberry.Private[int]
    name: str
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, row: Row[Any]) -> Season:
        return cls(
            pk=row.id,
            name=row.name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )


@cache_control(max_age=3600)
@strawberry.type
class SeasonConnection(Connection[Season]):
    @classmethod
    def node_of(cls, row: Row[Any]) -> Season:
        return Season.of(row)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await resolve.seasons_count(info.context)


# -- planned executor (planner/)

SEASON_PLANS: FieldPlans = {
    "id": global_id(id_encoder("Season")),
    "name": Attribute("name"),
    "startsAt": Attribute("starts_at"),
    "endsAt": Attribute("ends_at"),
}


async def _count_seasons(context: Context, args: Arguments, values: Sequence[Any], _: Any) -> Any:
    return [await resolve.seasons_count(context)] * len(values)


SEASON_CONNECTION_PLANS: FieldPlans = connection_plans(Batched(_count_seasons))
