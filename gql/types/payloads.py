"""Mutation payloads: expected failures are data (`userErrors`), not exceptions."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import Row

from gql.types.driver import Driver
from gql.types.trip import Trip
from resolvers.mutations import Outcome
from writes import Problem


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path of the offending input field, e.g. ["input", "email"].'
    )
    message: str
    code: str

    @classmethod
    def of(cls, problem: Problem) -> UserError:
        field = None if problem.field is None else list(problem.field)
        return cls(field=field, message=problem.message, code=problem.code.value)


def _user_errors(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.of(problem) for problem in outcome.problems]


@strawberry.type
class DriverPayload:
    driver: Driver | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[Row[Any]]) -> DriverPayload:
        row = outcome.value
        return cls(
            driver=None if row is None else Driver.of(row), user_errors=_user_errors(outcome)
        )


@strawberry.type
class TripPayload:
    trip: Trip | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[Row[Any]]) -> TripPayload:
        row = outcome.value
        return cls(trip=None if row is None else Trip.of(row), user_errors=_user_errors(outcome))


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[str]) -> DeletePayload:
        deleted = None if outcome.value is None else strawberry.ID(outcome.value)
        return cls(deleted_id=deleted, user_errors=_user_errors(outcome))
