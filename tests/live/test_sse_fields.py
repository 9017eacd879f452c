"""Each live field over GraphQL over SSE (distinct connections mode), with the
`graphql-sse` npm client: the current state first, then an update after a recordTrip."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.live.clients import NodeClient
from tests.live.operations import DRIVER, DRIVERS, LEADERBOARD, TRIPS
from tests.live.servers import AppProcess, record_trip, wait_for_subscriptions

Clients = Callable[..., NodeClient]


def test_leaderboard_over_sse(app: AppProcess, clients: Clients) -> None:
    client = clients("sse", f"{app.url}/graphql", LEADERBOARD, variables={"first": 10})
    first = client.next_payload()["data"]["leaderboardChanged"]
    leader = first["leaderboard"]["nodes"][0]["driver"]["id"]

    asyncio.run(record_trip(app, leader, safety_score=0, minutes=40))

    update = client.next_payload()["data"]["leaderboardChanged"]
    moved = {m["driver"]["id"]: (m["oldRank"], m["newRank"]) for m in update["moves"]}
    assert moved[leader][0] == 1 and moved[leader][1] > 1


def test_driver_and_trips_over_sse(app: AppProcess, clients: Clients) -> None:
    driver = asyncio.run(app.graphql(DRIVERS))["drivers"]["nodes"][8]["id"]
    url = f"{app.url}/graphql"
    updated = clients("sse", url, DRIVER, variables={"id": driver})
    trips = clients("sse", url, TRIPS, variables={"driverId": driver})
    before = updated.next_payload()["data"]["driverUpdated"]
    asyncio.run(wait_for_subscriptions(app, 2))

    recorded = asyncio.run(record_trip(app, driver, safety_score=66, minutes=80))

    after = updated.next_payload()["data"]["driverUpdated"]
    assert after["stats"]["trips"] == before["stats"]["trips"] + 1
    assert trips.next_payload()["data"]["tripRecorded"]["id"] == recorded
