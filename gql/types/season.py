from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import Row

from gql.context import Context
from gql.types.connection import Connection
from gql.types.node import Node
from resolvers import season as resolve


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


@strawberry.type
class SeasonConnection(Connection[Season]):
    @classmethod
    def node_of(cls, row: Row[Any]) -> Season:
        return Season.of(row)

    @strawberry.field
    async def total_count(self, info: strawberry.Info[Context, None]) -> int:
        return await resolve.seasons_count(info.context)
