"""Entity tags: what a cached response depends on, and what each write changes.

A tag is a string: `Type:pk` for one object (from the global ids in the
response and the id arguments of root fields), a bare `Type` for objects of
that type whose ids the response does not carry (or whose writes cannot
name them), and list tags for lists a write can change without changing any
object already in them (`Driver:list`, `Trip:list`, `Leaderboard`,
`FleetSummary`). A driver's trips, stats and rank live under the driver's
own tag; a season's leaderboards and ranks also under `Leaderboard:<season>`,
which only execution knows (the active season): the resolvers that read them
record it on the context (`Context.reads`). This module is a leaf: resolvers
import it to say what they read and wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

DRIVER_LIST = "Driver:list"
TRIP_LIST = "Trip:list"
SEASON_LIST = "Season:list"
# Every leaderboard and every Driver.rank (a driver's name or region changes them
# all); `leaderboard(season)` for one season's, which only its trips change.
LEADERBOARD = "Leaderboard"
# A response read a leaderboard or a rank but no season was recorded for it: a
# safety net every trip write invalidates (pipeline/cache_meta.py).
LEADERBOARD_UNKNOWN_SEASON = "Leaderboard:?"
FLEET_SUMMARY = "FleetSummary"
# What an operator may name as a list tag (cache/controls.py), besides `Leaderboard:<season>`.
LIST_TAGS = frozenset(
    {DRIVER_LIST, TRIP_LIST, SEASON_LIST, LEADERBOARD, LEADERBOARD_UNKNOWN_SEASON, FLEET_SUMMARY}
)


def is_list_tag(tag: str) -> bool:
    season = tag.removeprefix(LEADERBOARD + ":")
    return tag in LIST_TAGS or (season != tag and season.isascii() and season.isdigit())


def entity(type_name: str, pk: int) -> str:
    return f"{type_name}:{pk}"


def created_driver(driver_pk: int, *, with_vehicle: bool) -> set[str]:
    # A new driver has no trips: leaderboards are unchanged, the fleet's driver count is not.
    tags = {entity("Driver", driver_pk), DRIVER_LIST, FLEET_SUMMARY}
    if with_vehicle:
        tags.add("Vehicle")  # it may adopt a detached vehicle, whose id the write does not report
    return tags


def updated_driver(driver_pk: int, *, with_vehicle: bool) -> set[str]:
    # Name and region change list order and filters, and region leaderboards.
    tags = {entity("Driver", driver_pk), "Driver", DRIVER_LIST, LEADERBOARD}
    if with_vehicle:
        tags.add("Vehicle")
    return tags


def leaderboard(season_pk: int) -> str:
    """One season's leaderboards and ranks: recorded by the resolvers that read them."""
    return f"Leaderboard:{season_pk}"


def season_leaderboards(season_pks: Iterable[int]) -> set[str]:
    return {leaderboard(pk) for pk in season_pks} | {LEADERBOARD_UNKNOWN_SEASON}


def recorded_trip(
    trip_pk: int, driver_pk: int, season_pks: Iterable[int], *, risk_changed: bool = False
) -> set[str]:
    # The driver's trips, stats, rank and risk score (under the driver), every list
    # of trips, the leaderboards of the trip's seasons and the fleet totals (its
    # risk distribution and average too); `Trip:pk` for a cached null `trip(id)`.
    tags = {
        entity("Driver", driver_pk),
        "Driver",
        entity("Trip", trip_pk),
        TRIP_LIST,
        FLEET_SUMMARY,
    } | season_leaderboards(season_pks)
    if risk_changed:
        tags |= risk_score_changed()
    return tags


def risk_score_changed() -> set[str]:
    # Lists of drivers ordered by risk score or filtered by risk level change
    # membership and order with any driver's score, in the page or not; the fleet's
    # average and distribution change too.
    return {DRIVER_LIST, FLEET_SUMMARY}


def deleted_trip(
    trip_pk: int, driver_pk: int, season_pks: Iterable[int], *, risk_changed: bool = False
) -> set[str]:
    # Its safety events go with it; their ids are not read by the write.
    tags = recorded_trip(trip_pk, driver_pk, season_pks, risk_changed=risk_changed)
    return tags | {"Trip", "SafetyEvent"}
