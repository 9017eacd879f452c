"""updateDriver: only the given fields change; `vehicle` replaces the driver's vehicle."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from global_ids import decode_id_of, encode_id
from tests.mutations.api import Api, codes
from tests.mutations.database import rows, table_counts
from tests.mutations.factories import (
    active_season_start,
    new_driver,
    record,
    trip_input,
    vehicle_input,
)


async def _driver_row(engine: AsyncEngine, global_id: str) -> Any:
    [row] = await rows(
        engine, "SELECT * FROM drivers WHERE id = :id", id=decode_id_of(global_id, "Driver")
    )
    return row


async def test_updates_only_given_fields(api: Api, engine: AsyncEngine) -> None:
    driver = await new_driver(api)
    before = await _driver_row(engine, driver["id"])

    payload = await api.mutate(
        "updateDriver", {"input": {"id": driver["id"], "name": " Grace Hopper ", "region": None}}
    )

    assert payload["userErrors"] == []
    assert payload["driver"] == {**driver, "name": "Grace Hopper"}
    read = (await api.read("driver", {"id": driver["id"]}))["driver"]
    assert {k: read[k] for k in driver} == payload["driver"]
    after = await _driver_row(engine, driver["id"])
    assert after.created_at == before.created_at
    assert after.updated_at > before.updated_at


async def test_may_keep_its_own_email(api: Api) -> None:
    driver = await new_driver(api)
    change = {"id": driver["id"], "email": driver["email"], "region": "south"}
    payload = await api.mutate("updateDriver", {"input": change})
    assert payload["userErrors"] == []
    assert payload["driver"]["region"] == "south"


async def test_new_plate_replaces_vehicle_and_keeps_trip_history(
    api: Api, engine: AsyncEngine
) -> None:
    driver = await new_driver(api)
    old = driver["vehicle"]
    trip = await record(api, trip_input(driver["id"], await active_season_start(api)))

    new = vehicle_input(make="Tesla", model="Model 3")
    payload = await api.mutate("updateDriver", {"input": {"id": driver["id"], "vehicle": new}})

    assert payload["userErrors"] == []
    vehicle = payload["driver"]["vehicle"]
    assert vehicle["id"] != old["id"]
    assert {k: v for k, v in vehicle.items() if k != "id"} == new
    read = (await api.read("driver", {"id": driver["id"]}))["driver"]
    assert read["vehicle"] == vehicle
    # The trip was driven in the old vehicle; it still says so.
    [listed] = read["trips"]["nodes"]
    assert listed == {"id": trip["id"], "vehicle": {"id": old["id"], "plate": old["plate"]}}
    [detached] = await rows(
        engine,
        "SELECT driver_id FROM vehicles WHERE id = :id",
        id=decode_id_of(old["id"], "Vehicle"),
    )
    assert detached.driver_id is None


async def test_same_plate_corrects_vehicle_in_place(api: Api) -> None:
    driver = await new_driver(api)
    old = driver["vehicle"]
    fixed = {"make": old["make"], "model": "V90", "year": 2021, "plate": old["plate"]}
    payload = await api.mutate("updateDriver", {"input": {"id": driver["id"], "vehicle": fixed}})
    assert payload["userErrors"] == []
    assert payload["driver"]["vehicle"] == {"id": old["id"], **fixed}


async def test_gives_a_vehicle_to_a_driver_without_one(api: Api) -> None:
    driver = await new_driver(api, vehicle=None)
    given = vehicle_input()
    payload = await api.mutate("updateDriver", {"input": {"id": driver["id"], "vehicle": given}})
    assert payload["userErrors"] == []
    assert {k: v for k, v in payload["driver"]["vehicle"].items() if k != "id"} == given


INVALID: list[tuple[dict[str, Any], list[str], str]] = [
    ({"name": ""}, ["input", "name"], "BLANK"),
    ({"email": "no-at-sign"}, ["input", "email"], "INVALID_EMAIL"),
    ({"region": "  "}, ["input", "region"], "BLANK"),
    ({"vehicle": vehicle_input(year=1800)}, ["input", "vehicle", "year"], "OUT_OF_RANGE"),
    ({"vehicle": vehicle_input(plate="")}, ["input", "vehicle", "plate"], "BLANK"),
    ({"email": "driver3@fleet.example"}, ["input", "email"], "DUPLICATE_EMAIL"),
    (
        {"vehicle": vehicle_input(plate="FG-0000003")},
        ["input", "vehicle", "plate"],
        "DUPLICATE_PLATE",
    ),
    ({"id": encode_id("Driver", 999_999)}, ["input", "id"], "NOT_FOUND"),
    ({"id": "not-a-global-id"}, ["input", "id"], "INVALID_ID"),
    ({"id": encode_id("Trip", 1)}, ["input", "id"], "INVALID_ID"),
]


@pytest.mark.parametrize(("change", "field", "code"), INVALID)
async def test_refuses_and_writes_nothing(
    api: Api, engine: AsyncEngine, change: dict[str, Any], field: list[str], code: str
) -> None:
    driver = await new_driver(api)
    before = (await table_counts(engine), await _driver_row(engine, driver["id"]))
    update = {"id": driver["id"], "name": "Changed Name", **change}
    payload = await api.mutate("updateDriver", {"input": update})

    assert payload["driver"] is None
    assert codes(payload) == [(field, code)]
    assert (await table_counts(engine), await _driver_row(engine, driver["id"])) == before


async def test_reports_invalid_id_with_field_problems(api: Api) -> None:
    payload = await api.mutate("updateDriver", {"input": {"id": "bad", "email": "bad"}})
    assert codes(payload) == [
        (["input", "id"], "INVALID_ID"),
        (["input", "email"], "INVALID_EMAIL"),
    ]


async def test_reports_both_conflicts_at_once(api: Api) -> None:
    driver = await new_driver(api)
    taken = {"email": "driver4@fleet.example", "vehicle": vehicle_input(plate="FG-0000004")}
    payload = await api.mutate("updateDriver", {"input": {"id": driver["id"], **taken}})
    assert codes(payload) == [
        (["input", "email"], "DUPLICATE_EMAIL"),
        (["input", "vehicle", "plate"], "DUPLICATE_PLATE"),
    ]


async def test_a_detached_vehicle_is_taken_over_by_its_plate(api: Api) -> None:
    driver = await new_driver(api)
    first = driver["vehicle"]
    second = vehicle_input()
    replaced = await api.mutate("updateDriver", {"input": {"id": driver["id"], "vehicle": second}})
    second_id = replaced["driver"]["vehicle"]["id"]

    back = {k: v for k, v in first.items() if k != "id"} | {"year": 2015}
    payload = await api.mutate("updateDriver", {"input": {"id": driver["id"], "vehicle": back}})
    assert payload["userErrors"] == []
    assert payload["driver"]["vehicle"] == {"id": first["id"], **back}

    # The second vehicle is detached now; a new driver naming its plate gets it.
    other = await new_driver(api, vehicle=second)
    assert other["vehicle"] == {"id": second_id, **second}
