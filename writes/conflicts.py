"""Unique-constraint violations as problems: the race the pre-checks cannot see.

Each write first asks whether an email or plate is taken, but a concurrent
transaction can take it between the question and the insert. The database
then refuses the row; this maps its refusal to the same problem the
pre-check reports. PostgreSQL names the constraint ("uq_drivers_email"),
SQLite the column ("drivers.email").
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from writes.errors import Code, Problem

DUPLICATE_EMAIL = Problem(("email",), "another driver has this email", Code.DUPLICATE_EMAIL)
DUPLICATE_PLATE = Problem(
    ("vehicle", "plate"), "another vehicle has this plate", Code.DUPLICATE_PLATE
)
VEHICLE_CHANGED = Problem(
    ("vehicle",), "the driver's vehicle changed concurrently; retry", Code.CONFLICT
)

_CONFLICTS = (
    ("uq_drivers_email", "drivers.email", DUPLICATE_EMAIL),
    ("uq_vehicles_plate", "vehicles.plate", DUPLICATE_PLATE),
    ("uq_vehicles_driver_id", "vehicles.driver_id", VEHICLE_CHANGED),
)


def conflict_problem(error: IntegrityError) -> Problem | None:
    """The problem a unique violation stands for; None for any other integrity error."""
    message = str(error.orig)
    for constraint, column, problem in _CONFLICTS:
        if f'"{constraint}"' in message or message.endswith(f"failed: {column}"):
            return problem
    return None
