"""The payloads of the live fields (gql/types/subscription.py)."""

from __future__ import annotations

import strawberry

from context import Context
from gql.prefetch.marks import loads
from gql.types.driver import Driver
from gql.types.leaderboard import LeaderboardConnection
from resolvers import trip as resolve_trip
from resolvers.deferred import then


@strawberry.type(description="A driver whose rank on the page changed.")
class RankMove:
    driver_pk: strawberry.Private[int]
    old_rank: int | None = strawberry.field(description="Null: the driver entered the page.")
    new_rank: int | None = strawberry.field(description="Null: the driver left the page.")

    @strawberry.field
    @loads
    def driver(self, info: strawberry.Info[Context, None]) -> Driver:
        return then(resolve_trip.driver(info.context, self.driver_pk), Driver.required)


@strawberry.type(description="A leaderboard page, and what moved since the previous one.")
class LeaderboardUpdate:
    leaderboard: LeaderboardConnection
    moves: list[RankMove] = strawberry.field(
        description="Empty in the first payload (and in a fresh one after a resync)."
    )
