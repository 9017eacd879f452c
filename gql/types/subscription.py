"""The Subscription root: live versions of the leaderboard, a driver and the trips.

Each field runs once per group of identical subscriptions (live/group.py), whose
`Feed` is the root value: the resolver computes the current value, yields it
when it changed, and waits for the next change to what it reads (the cache tags
writes publish, cache/tags.py). Only what a resolver yields reaches clients; the
group also drops a payload equal to the previous one.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from cache.tags import LEADERBOARD, entity
from compat.strawberry import raw_info
from context import Context
from global_ids import decode_id_of, encode_id
from gql.prefetch.selection import selects
from gql.types.driver import Driver
from gql.types.enums import LeaderboardMetric
from gql.types.leaderboard import LeaderboardConnection
from gql.types.live_payloads import LeaderboardUpdate, RankMove
from gql.types.query import warmed
from gql.types.trip import Trip
from live import Feed, moves, snapshot
from live.recent import Recent
from pagination import PageWindow
from resolvers import arguments
from resolvers import driver as resolve_driver
from resolvers import leaderboard as resolve_leaderboard
from resolvers import trip as resolve_trip

Info = strawberry.Info[Context, None]
TRIP = "Trip:"


def _feed(info: Info) -> Feed:
    feed = info.root_value
    assert isinstance(feed, Feed), "live fields run inside a group (live/group.py)"
    return feed


def _leaderboards(tags: frozenset[str]) -> bool:
    return any(t == LEADERBOARD or t.startswith(LEADERBOARD + ":") for t in tags)


def _trip_pks(tags: frozenset[str]) -> list[int]:
    ids = (t.removeprefix(TRIP) for t in tags if t.startswith(TRIP))
    return sorted(int(i) for i in ids if i.isascii() and i.isdigit())


@strawberry.type
class Subscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description=(
            "The leaderboard's first page now, then again whenever a write changes its "
            "entries, values or ranks, with the drivers that moved."
        )
    )
    async def leaderboard_changed(
        self,
        info: Info,
        season_id: strawberry.ID | None = None,
        metric: LeaderboardMetric = LeaderboardMetric.SAFETY_SCORE,
        region: str | None = None,
        first: int | None = 10,
    ) -> AsyncGenerator[LeaderboardUpdate, None]:
        feed, context = _feed(info), info.context
        before = None
        resync = False
        while True:
            with_vehicle = selects(
                raw_info(info),
                ("leaderboard", "nodes", "driver", "vehicle"),
                ("leaderboard", "edges", "node", "driver", "vehicle"),
            )
            season_pk, page = await resolve_leaderboard.leaderboard(
                context, season_id, metric.name, region, PageWindow(first=first), with_vehicle
            )
            after = snapshot([] if page is None else page.rows)
            if resync or before != after:
                moved = [
                    RankMove(driver_pk=m.driver_pk, old_rank=m.old_rank, new_rank=m.new_rank)
                    for m in moves(None if resync else before, after)
                ]
                board = LeaderboardConnection(
                    page=page, season_pk=season_pk, region=region, metric=metric
                )
                yield LeaderboardUpdate(leaderboard=await warmed(info, board), moves=moved)
            before = after
            resync = (await feed.next_change(_leaderboards)).resync

    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="The driver now, then after each write that changes it (stats, risk, rank)."
    )
    async def driver_updated(
        self, info: Info, id: strawberry.ID
    ) -> AsyncGenerator[Driver | None, None]:
        feed, context = _feed(info), info.context
        mine = entity("Driver", decode_id_of(id, "Driver"))

        def touches(tags: frozenset[str]) -> bool:
            return mine in tags or _leaderboards(tags)  # its rank moves with the others'

        while True:
            row = await resolve_driver.driver(context, id, selects(raw_info(info), ("vehicle",)))
            yield await warmed(info, None if row is None else Driver.of(row))
            await feed.next_change(touches)  # unchanged payloads are dropped by the group

    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="Each trip recorded from now on, of one driver or region if given."
    )
    async def trip_recorded(
        self, info: Info, driver_id: strawberry.ID | None = None, region: str | None = None
    ) -> AsyncGenerator[Trip, None]:
        feed, context = _feed(info), info.context
        driver_pk = None if driver_id is None else decode_id_of(driver_id, "Driver")
        region = arguments.text("region", region)
        seen = Recent()  # a repeated recordTrip publishes its tags again
        while True:
            change = await feed.next_change(lambda tags: bool(_trip_pks(tags)))
            for pk in _trip_pks(change.tags):
                row = await resolve_trip.trip(context, encode_id("Trip", pk))
                if row is None or not seen.add(pk):  # deleted, or sent already
                    continue
                if driver_pk is not None and row.driver_id != driver_pk:
                    continue
                if region is not None:
                    driver = await resolve_trip.driver(context, row.driver_id)
                    if driver is None or driver.region != region:
                        continue
                yield await warmed(info, Trip.of(row))
