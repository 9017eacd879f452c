"""Vehicle.vin, a column-backed field declared once (gql/types/row_fields.py): both
executors read it from the vehicles row, in the statements they took without it."""

from __future__ import annotations

import orjson

from tests.gql.dataset import Dataset
from tests.gql.ids import global_id
from tests.planner.conftest import Executors

NODE = "query($id: ID!) { node(id: $id) { ... on Vehicle { plate vin } } }"
TRIP = "query($id: ID!) { trip(id: $id) { vehicle { vin } } }"


async def test_vin_of_a_vehicle_on_both_executors(executors: Executors, dataset: Dataset) -> None:
    vehicle = dataset.vehicles[0]
    assert vehicle["vin"] is not None and len(vehicle["vin"]) == 17  # the seed's
    planned, reference = await executors.both(NODE, {"id": global_id("Vehicle", vehicle["id"])})
    expected = {"data": {"node": {"plate": vehicle["plate"], "vin": vehicle["vin"]}}}
    assert orjson.loads(planned.body) == expected
    assert planned.body == reference.body
    assert "fallback" not in planned.extensions.get("planner", {})
    assert planned.statements == 1


async def test_vin_through_a_trip_takes_no_extra_statement(
    executors: Executors, dataset: Dataset
) -> None:
    trip = next(t for t in dataset.trips if t["vehicle_id"] is not None)
    variables = {"id": global_id("Trip", trip["id"])}
    planned, reference = await executors.both(TRIP, variables)
    vin = dataset.vehicle(trip["vehicle_id"])["vin"]
    assert orjson.loads(planned.body) == {"data": {"trip": {"vehicle": {"vin": vin}}}}
    assert planned.body == reference.body
    without, _ = await executors.both(TRIP.replace("vin", "__typename"), variables)
    assert planned.statements == without.statements == 2  # the trip, then its vehicle
