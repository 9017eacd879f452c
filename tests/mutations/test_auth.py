"""Who may mutate: admins only; bad tokens are refused at the door (HTTP 401)."""

from __future__ import annotations

import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from auth import mint_token
from global_ids import encode_id
from tests.mutations.api import SECRET, Api, bearer, document
from tests.mutations.database import table_counts
from tests.mutations.factories import driver_input

MUTATIONS = [
    ("createDriver", {"input": driver_input()}),
    ("updateDriver", {"input": {"id": encode_id("Driver", 1), "name": "Renamed"}}),
    (
        "recordTrip",
        {
            "input": {
                "driverId": encode_id("Driver", 1),
                "startedAt": "2026-01-02T08:00:00+00:00",
                "endedAt": "2026-01-02T09:00:00+00:00",
                "distanceKm": 10.0,
                "safetyScore": 90,
            }
        },
    ),
    ("deleteTrip", {"id": encode_id("Trip", 1)}),
]


@pytest.mark.parametrize(("role", "code"), [(None, "UNAUTHENTICATED"), ("reader", "FORBIDDEN")])
@pytest.mark.parametrize(("name", "variables"), MUTATIONS)
async def test_only_admins_mutate(
    api: Api,
    engine: AsyncEngine,
    role: str | None,
    code: str,
    name: str,
    variables: dict[str, object],
) -> None:
    before = await table_counts(engine)
    body = await api.run(name, variables, role=role)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["path"] == [name]
    assert await table_counts(engine) == before


def _foreign_token() -> str:
    return mint_token("another-secret-entirely-0123456789abcdef", role="admin")


def _expired_token() -> str:
    return mint_token(SECRET, role="admin", ttl_seconds=-60)


def _unknown_role_token() -> str:
    return jwt.encode({"role": "owner", "exp": 4_000_000_000}, SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not.a.jwt",
        "Bearer " + _foreign_token(),
        "Bearer " + _expired_token(),
        "Bearer " + _unknown_role_token(),
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
@pytest.mark.parametrize("name", ["createDriver", "driver"])
async def test_bad_tokens_get_401(api: Api, engine: AsyncEngine, header: str, name: str) -> None:
    before = await table_counts(engine)
    variables = (
        dict(MUTATIONS)["createDriver"] if name == "createDriver" else {"id": "RHJpdmVyOjE="}
    )
    response = await api.post(document(name), variables, {"Authorization": header})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await table_counts(engine) == before


@pytest.mark.parametrize(("role", "visible"), [(None, False), ("reader", False), ("admin", True)])
async def test_email_is_for_admins(api: Api, role: str | None, visible: bool) -> None:
    response = await api.post(
        document("driver"), {"id": encode_id("Driver", 1)}, bearer(role) if role else {}
    )
    email = response.json()["data"]["driver"]["email"]
    assert email == ("driver1@fleet.example" if visible else None)
