"""Entity tags: what a cached response depends on, and what each write changes.

A tag is a string: `Type:pk` for one object (from the global ids in the
response and the id arguments of root fields), a bare `Type` for objects of
that type whose ids the response does not carry (or whose writes cannot
name them), and list tags for lists a write can change without changing any
object already in them (`Driver:list`, `Trip:list`, `Leaderboard`,
`FleetSummary`). A driver's trips, stats and rank live under the driver's
own tag. This module is a leaf: resolvers import it to say what they wrote.
"""

from __future__ import annotations

DRIVER_LIST = "Driver:list"
TRIP_LIST = "Trip:list"
SEASON_LIST = "Season:list"
# Every leaderboard and every Driver.rank: one trip moves every rank of its season.
LEADERBOARD = "Leaderboard"
FLEET_SUMMARY = "FleetSummary"


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


def recorded_trip(trip_pk: int, driver_pk: int) -> set[str]:
    # The driver's trips, stats and rank (under the driver), every list of trips,
    # the leaderboards and the fleet totals; `Trip:pk` for a cached null `trip(id)`.
    return {
        entity("Driver", driver_pk),
        "Driver",
        entity("Trip", trip_pk),
        TRIP_LIST,
        LEADERBOARD,
        FLEET_SUMMARY,
    }


def deleted_trip(trip_pk: int, driver_pk: int) -> set[str]:
    # Its safety events go with it; their ids are not read by the write.
    return recorded_trip(trip_pk, driver_pk) | {"Trip", "SafetyEvent"}
