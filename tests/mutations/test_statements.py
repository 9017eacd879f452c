"""How many SQL statements each mutation issues: the write path stays short.

Pinned with a payload that selects no nested field, so only the write runs.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from db.statements import record_statements
from tests.mutations.api import Api, Json, bearer
from tests.mutations.factories import (
    active_season_start,
    driver_input,
    event_input,
    new_driver,
    record,
    trip_input,
)

CREATE = "mutation($input: CreateDriverInput!) { createDriver(input: $input) { driver { id } } }"
UPDATE = "mutation($input: UpdateDriverInput!) { updateDriver(input: $input) { driver { id } } }"
RECORD = "mutation($input: RecordTripInput!) { recordTrip(input: $input) { trip { id } } }"
DELETE = "mutation($id: ID!) { deleteTrip(id: $id) { deletedId } }"


async def _statements(api: Api, query: str, variables: Json) -> list[str]:
    with record_statements() as log:
        response = await api.post(query, variables, bearer("admin"))
    body = response.json()
    assert "errors" not in body, body
    return log.statements


async def test_statement_counts(api: Api, engine: AsyncEngine) -> None:
    postgres = engine.dialect.name == "postgresql"
    # Driver: email check, plate check, INSERT driver, adopt a detached vehicle, INSERT vehicle.
    assert len(await _statements(api, CREATE, {"input": driver_input()})) == 5
    driver = await new_driver(api)
    # Exists, email check, plate check, UPDATE driver, current vehicle, detach, adopt, INSERT.
    change = {
        "id": driver["id"],
        "email": driver_input()["email"],
        "vehicle": driver_input()["vehicle"],
    }
    assert len(await _statements(api, UPDATE, {"input": change})) == 8

    start = await active_season_start(api)
    events = [event_input("SPEEDING", 2, start), event_input("PHONE_USE", 3, start)]
    trip = trip_input(driver["id"], start, safetyEvents=events)
    # PostgreSQL: one statement finds the driver, inserts the trip and its events and
    # upserts the stats (writes/trip_statements.py); the risk score's lock and refresh.
    # SQLite: INSERT trip, INSERT events (one executemany), upsert stats, risk UPDATE,
    # INSERT risk history. (Before issue 21: driver, vehicle, INSERT trip, INSERT
    # events, seasons, upsert stats, and a key look-up with an externalId.)
    recorded = await _statements(api, RECORD, {"input": trip})
    assert len(recorded) == (3 if postgres else 5)
    # Another score (history appended on SQLite only when it changes).
    keyed = {**trip, "externalId": f"statements-{driver['id']}", "distanceKm": 200.0}
    assert len(await _statements(api, RECORD, {"input": keyed})) == (3 if postgres else 5)
    # A repeat: the insert meets the key (SQLite: then is there a driver?), then the
    # trip, its events, its seasons.
    assert len(await _statements(api, RECORD, {"input": keyed})) == (4 if postgres else 5)

    second = await record(api, trip_input(driver["id"], start, distanceKm=200.0))
    # PostgreSQL: one statement reads the event kinds, deletes the trip and finds its
    # seasons (writes/trip_statements.py); SQLite: three. UPDATE stats (the driver keeps
    # trips: no DELETE), the risk score (two).
    assert len(await _statements(api, DELETE, {"id": second["id"]})) == (4 if postgres else 6)
