"""Relay `node` / `nodes`: any type by global id, errors with stable codes."""

from __future__ import annotations

import base64

import pytest

from tests.gql.client import GraphQLClient
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Driver { name region }
    ... on Vehicle { plate owner: driver { id } }
    ... on Trip { distanceKm driver { id } }
    ... on SafetyEvent { kind severity trip { id } }
    ... on Season { name }
  }
}
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Driver { name } } }"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_node_of_every_type(gql: GraphQLClient, dataset: Dataset) -> None:
    driver, trip, event, season = (
        dataset.drivers[3],
        dataset.trips[17],
        dataset.safety_events[5],
        dataset.seasons[1],
    )
    vehicle = dataset.vehicle_of_driver(driver["id"])
    assert vehicle is not None
    expected = {
        global_id("Driver", driver["id"]): {"name": driver["name"], "region": driver["region"]},
        global_id("Vehicle", vehicle["id"]): {
            "plate": vehicle["plate"],
            "owner": {"id": global_id("Driver", driver["id"])},
        },
        global_id("Trip", trip["id"]): {
            "distanceKm": trip["distance_km"],
            "driver": {"id": global_id("Driver", trip["driver_id"])},
        },
        global_id("SafetyEvent", event["id"]): {
            "kind": event["kind"],
            "severity": event["severity"],
            "trip": {"id": global_id("Trip", event["trip_id"])},
        },
        global_id("Season", season["id"]): {"name": season["name"]},
    }
    for node_id, fields in expected.items():
        node = (await gql.data(NODE, {"id": node_id}))["node"]
        type_name = base64.b64decode(node_id).decode().split(":")[0]
        assert node == {"__typename": type_name, "id": node_id, **fields}


async def test_nodes_mixes_types_in_order_with_null_for_missing(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    driver = dataset.drivers[7]
    ids = [
        global_id("Trip", dataset.trips[0]["id"]),
        global_id("Driver", driver["id"]),
        global_id("Driver", 999_999),
        global_id("Vehicle", dataset.vehicles[0]["id"]),
        global_id("Driver", driver["id"]),  # repeated
        global_id("Season", dataset.seasons[0]["id"]),
        global_id("SafetyEvent", dataset.safety_events[0]["id"]),
    ]
    nodes = (await gql.data(NODES, {"ids": ids}))["nodes"]
    assert [n and n["__typename"] for n in nodes] == [
        "Trip",
        "Driver",
        None,
        "Vehicle",
        "Driver",
        "Season",
        "SafetyEvent",
    ]
    assert [n and n["id"] for n in nodes] == [ids[0], ids[1], None, *ids[3:]]
    assert nodes[1]["name"] == nodes[4]["name"] == driver["name"]


async def test_nodes_of_nothing(gql: GraphQLClient) -> None:
    assert (await gql.data(NODES, {"ids": []}))["nodes"] == []


@pytest.mark.parametrize("type_name", ["Driver", "Vehicle", "Trip", "SafetyEvent", "Season"])
async def test_well_formed_id_of_a_missing_row_is_null(gql: GraphQLClient, type_name: str) -> None:
    data = await gql.data(NODE, {"id": global_id(type_name, 2_000_000)})
    assert data == {"node": None}


@pytest.mark.parametrize(
    "bad_id",
    [
        b64("Customer:1"),  # unknown type
        b64("driver:1"),  # type names are case-sensitive
        b64("RiskScore:1"),  # not a Node
        b64("Driver:0"),
        b64("Driver:-3"),
        b64("Driver:01"),
        b64("Driver:1.0"),
        b64("Driver:"),
        b64("Driver"),
        b64(f"Driver:{2**31}"),
        "Driver:1",  # not base64
        "!!!",
        "",
        "RHJpdmVyOjE",  # base64 without its padding
        base64.b64encode(b"\xff\xfe:1").decode(),  # not UTF-8
        "x" * 10_000,
    ],
)
async def test_malformed_or_unknown_ids_are_invalid_id(gql: GraphQLClient, bad_id: str) -> None:
    assert await gql.error_codes(NODE, {"id": bad_id}) == ["INVALID_ID"]
    assert await gql.error_codes(NODES, {"ids": [global_id("Driver", 1), bad_id]}) == ["INVALID_ID"]


async def test_error_message_does_not_echo_long_input(gql: GraphQLClient) -> None:
    [error] = await gql.errors(NODE, {"id": "x" * 10_000})
    assert len(error["message"]) < 200


@pytest.mark.parametrize(
    ("field", "wrong_type"),
    [("driver", "Trip"), ("trip", "Driver"), ("season", "Vehicle")],
)
async def test_typed_root_field_refuses_an_id_of_another_type(
    gql: GraphQLClient, field: str, wrong_type: str
) -> None:
    query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
    assert await gql.error_codes(query, {"id": global_id(wrong_type, 1)}) == ["INVALID_ID"]
    assert await gql.error_codes(query, {"id": "garbage"}) == ["INVALID_ID"]
    assert await gql.data(query, {"id": global_id(field.capitalize(), 2_000_000)}) == {field: None}
