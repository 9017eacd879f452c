"""Each live field over graphql-transport-ws, with the `graphql-ws` npm client and
Apollo Client's GraphQLWsLink: the current state first, then an update after a
recordTrip (sent over HTTP, as any client would)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.live.clients import NodeClient
from tests.live.operations import DRIVER, DRIVERS, LEADERBOARD, TRIPS
from tests.live.servers import AppProcess, record_trip, wait_for_subscriptions

Clients = Callable[..., NodeClient]


def _board(payload: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in payload, payload
    board: dict[str, Any] = payload["data"]["leaderboardChanged"]
    return board


@pytest.mark.parametrize("transport", ["ws", "apollo"])
def test_leaderboard_page_then_what_moved(
    app: AppProcess, clients: Clients, transport: str
) -> None:
    client = clients(transport, app.ws_url, LEADERBOARD, variables={"first": 10})
    first = _board(client.next_payload())
    nodes = first["leaderboard"]["nodes"]
    assert first["moves"] == [] and len(nodes) >= 2
    leader = nodes[0]["driver"]["id"]
    assert nodes[0]["rank"] == 1

    asyncio.run(record_trip(app, leader, safety_score=0))  # the leader's average drops

    update = _board(client.next_payload())
    ranks = {n["driver"]["id"]: n["rank"] for n in update["leaderboard"]["nodes"]}
    assert ranks[leader] > 1
    moved = {m["driver"]["id"]: (m["oldRank"], m["newRank"]) for m in update["moves"]}
    assert moved[leader] == (1, ranks[leader])
    assert update["leaderboard"] != first["leaderboard"]


@pytest.mark.parametrize(("transport", "index"), [("ws", 4), ("apollo", 5)])
def test_driver_updated_after_its_trip(
    app: AppProcess, clients: Clients, transport: str, index: int
) -> None:
    driver = asyncio.run(app.graphql(DRIVERS))["drivers"]["nodes"][index]["id"]
    client = clients(transport, app.ws_url, DRIVER, variables={"id": driver})
    before = client.next_payload()["data"]["driverUpdated"]
    assert before["id"] == driver

    asyncio.run(record_trip(app, driver, safety_score=55))

    after = client.next_payload()["data"]["driverUpdated"]
    assert after["stats"]["trips"] == before["stats"]["trips"] + 1


@pytest.mark.parametrize(("transport", "index"), [("ws", 6), ("apollo", 7)])
def test_trip_recorded_sends_each_new_trip_matching(
    app: AppProcess, clients: Clients, transport: str, index: int
) -> None:
    drivers = asyncio.run(app.graphql(DRIVERS))["drivers"]["nodes"]
    mine = drivers[index]
    other = next(d for d in drivers if d["region"] != mine["region"])
    client = clients(transport, app.ws_url, TRIPS, variables={"driverId": mine["id"]})
    by_region = clients(transport, app.ws_url, TRIPS, variables={"region": other["region"]})
    asyncio.run(wait_for_subscriptions(app, 2))
    assert client.quiet_for(0.3)  # subscribed: no current state for a stream of events

    recorded = asyncio.run(record_trip(app, mine["id"], safety_score=70, minutes=7 + 50 * index))

    trip = client.next_payload()["data"]["tripRecorded"]
    assert trip == {"id": recorded, "safetyScore": 70, "driver": {"id": mine["id"]}}
    elsewhere = asyncio.run(
        record_trip(app, other["id"], safety_score=71, minutes=1000 + 50 * index)
    )
    assert by_region.next_payload()["data"]["tripRecorded"]["id"] == elsewhere
    assert client.quiet_for(0.5)  # another driver's trip is not this subscription's
