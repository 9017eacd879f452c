"""createDriver: the driver (and vehicle) it writes, and every way it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import decode_id_of
from tests.mutations.api import Api, codes
from tests.mutations.database import rows, table_counts
from tests.mutations.factories import driver_input, vehicle_input


async def test_creates_driver_with_vehicle(api: Api, engine: AsyncEngine) -> None:
    given = driver_input(name="  Ada Lovelace ", region="west")
    payload = await api.mutate("createDriver", {"input": given})

    assert payload["userErrors"] == []
    driver = payload["driver"]
    assert driver["name"] == "Ada Lovelace"  # stored stripped
    assert driver["email"] == given["email"]
    assert driver["region"] == "west"
    vehicle = {k: v for k, v in driver["vehicle"].items() if k != "id"}
    assert vehicle == given["vehicle"]

    read = (await api.read("driver", {"id": driver["id"]}))["driver"]
    assert {k: read[k] for k in driver} == driver
    assert read["stats"] == {"trips": 0, "distanceKm": 0.0, "safetyScore": None, "safetyEvents": 0}
    assert read["trips"] == {"totalCount": 0, "nodes": []}

    [row] = await rows(
        engine,
        "SELECT created_at, updated_at FROM drivers WHERE id = :id",
        id=decode_id_of(driver["id"], "Driver"),
    )
    assert row.created_at == row.updated_at


async def test_creates_driver_without_vehicle(api: Api) -> None:
    payload = await api.mutate("createDriver", {"input": driver_input(vehicle=None)})
    assert payload["userErrors"] == []
    assert payload["driver"]["vehicle"] is None

    # The drivers page joins vehicles in: a driver without one reads null there too.
    page = await api.post(
        "query($f: DriverFilter) { drivers(first: 100, filter: $f) "
        "{ nodes { id vehicle { plate } } } }",
        {"f": {"nameContains": payload["driver"]["name"]}},
    )
    nodes = page.json()["data"]["drivers"]["nodes"]
    assert {"id": payload["driver"]["id"], "vehicle": None} in nodes
    one = await api.post(
        "query($id: ID!) { driver(id: $id) { vehicle { plate } } }", {"id": payload["driver"]["id"]}
    )
    assert one.json()["data"] == {"driver": {"vehicle": None}}
    assert "errors" not in one.json()


INVALID: list[tuple[dict[str, Any], list[str], str]] = [
    ({"name": "   "}, ["input", "name"], "BLANK"),
    ({"name": "x" * 201}, ["input", "name"], "TOO_LONG"),
    ({"email": "not-an-email"}, ["input", "email"], "INVALID_EMAIL"),
    ({"email": "a@b"}, ["input", "email"], "INVALID_EMAIL"),
    ({"email": ""}, ["input", "email"], "BLANK"),
    ({"region": " "}, ["input", "region"], "BLANK"),
    ({"vehicle": vehicle_input(year=1899)}, ["input", "vehicle", "year"], "OUT_OF_RANGE"),
    ({"vehicle": vehicle_input(year=2101)}, ["input", "vehicle", "year"], "OUT_OF_RANGE"),
    ({"vehicle": vehicle_input(plate="  ")}, ["input", "vehicle", "plate"], "BLANK"),
    ({"vehicle": vehicle_input(make="")}, ["input", "vehicle", "make"], "BLANK"),
    ({"email": "driver1@fleet.example"}, ["input", "email"], "DUPLICATE_EMAIL"),
    (
        {"vehicle": vehicle_input(plate="FG-0000001")},
        ["input", "vehicle", "plate"],
        "DUPLICATE_PLATE",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "code"), INVALID)
async def test_refuses_and_writes_nothing(
    api: Api, engine: AsyncEngine, overrides: dict[str, Any], field: list[str], code: str
) -> None:
    before = await table_counts(engine)
    payload = await api.mutate("createDriver", {"input": driver_input(**overrides)})

    assert payload["driver"] is None
    assert codes(payload) == [(field, code)]
    assert payload["userErrors"][0]["message"]
    assert await table_counts(engine) == before


async def test_reports_every_problem_at_once(api: Api, engine: AsyncEngine) -> None:
    before = await table_counts(engine)
    bad = driver_input(name="", email="nope", vehicle=vehicle_input(year=3000))
    payload = await api.mutate("createDriver", {"input": bad})
    assert codes(payload) == [
        (["input", "name"], "BLANK"),
        (["input", "email"], "INVALID_EMAIL"),
        (["input", "vehicle", "year"], "OUT_OF_RANGE"),
    ]
    taken = driver_input(email="driver2@fleet.example", vehicle=vehicle_input(plate="FG-0000002"))
    payload = await api.mutate("createDriver", {"input": taken})
    assert codes(payload) == [
        (["input", "email"], "DUPLICATE_EMAIL"),
        (["input", "vehicle", "plate"], "DUPLICATE_PLATE"),
    ]
    assert await table_counts(engine) == before
