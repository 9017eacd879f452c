"""One computation per group of identical subscriptions, one per burst of writes,
and nothing sent when the payload did not change."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.live.clients import NodeClient
from tests.live.operations import DRIVER, DRIVERS, LEADERBOARD
from tests.live.servers import AppProcess, record_trip, token, wait_for_subscriptions

Clients = Callable[..., NodeClient]
RECOMPUTATIONS = "fleetgraph_live_recomputations_total"


@pytest.fixture(scope="module")
def app(start_app: Callable[..., AppProcess]) -> AppProcess:
    # A window wide enough for three concurrent writes to land in one burst.
    return start_app(LIVE_COALESCE_SECONDS="0.5")


def test_one_recomputation_per_group_per_burst(app: AppProcess, clients: Clients) -> None:
    public = [clients("ws", app.ws_url, LEADERBOARD, variables={"first": 10}) for _ in range(5)]
    admins = [
        clients("sse", f"{app.url}/graphql", LEADERBOARD, variables={"first": 10}, token=token())
        for _ in range(2)
    ]
    firsts = [c.next_payload()["data"]["leaderboardChanged"] for c in public + admins]
    assert all(f == firsts[0] for f in firsts)
    asyncio.run(wait_for_subscriptions(app, 7))
    assert asyncio.run(app.metric("fleetgraph_live_groups")) == 2  # public, admin
    before = asyncio.run(app.metric(RECOMPUTATIONS))
    nodes = firsts[0]["leaderboard"]["nodes"]

    async def burst() -> None:  # three writes within the coalescing window
        await asyncio.gather(
            *(
                record_trip(app, n["driver"]["id"], 0, minutes=200 + i)
                for i, n in enumerate(nodes[:3])
            )
        )

    asyncio.run(burst())

    updates = [c.next_payload()["data"]["leaderboardChanged"] for c in public + admins]
    assert all(u == updates[0] for u in updates) and updates[0] != firsts[0]
    assert all(c.quiet_for(0.3) for c in public + admins)  # one payload for the burst
    assert asyncio.run(app.metric(RECOMPUTATIONS)) - before == 2


def test_nothing_sent_when_the_payload_did_not_change(app: AppProcess, clients: Clients) -> None:
    board = asyncio.run(app.graphql("{ leaderboard(first: 50) { nodes { driver { id } } } }"))
    ranked = {n["driver"]["id"] for n in board["leaderboard"]["nodes"]}
    drivers = [d["id"] for d in asyncio.run(app.graphql(DRIVERS))["drivers"]["nodes"]]
    unranked = next(d for d in drivers if d not in ranked)  # no trip this season: rank null
    client = clients("ws", app.ws_url, DRIVER, variables={"id": unranked})
    assert client.next_payload()["data"]["driverUpdated"]["rank"] is None
    asyncio.run(wait_for_subscriptions(app, 1))
    before = asyncio.run(app.metric("fleetgraph_live_unchanged_total"))

    asyncio.run(record_trip(app, next(iter(ranked)), 90, minutes=300))  # moves the ranks

    assert client.quiet_for(1.5)
    assert asyncio.run(app.metric("fleetgraph_live_unchanged_total")) - before == 1
