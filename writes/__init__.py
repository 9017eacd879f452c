"""The write side: one module per use case, each one transaction.

Writes take plain specs (built by `gql` from mutation inputs), check them,
and return the written rows, or raise `Rejected` with problems the caller
can fix; nothing here knows about GraphQL.
"""

from writes.drivers import DriverSpec, create_driver, update_driver
from writes.errors import Code, Problem, Rejected
from writes.trip_input import EventSpec, TripSpec
from writes.trips import delete_trip, record_trip
from writes.vehicles import VehicleSpec

__all__ = [
    "Code",
    "DriverSpec",
    "EventSpec",
    "Problem",
    "Rejected",
    "TripSpec",
    "VehicleSpec",
    "create_driver",
    "delete_trip",
    "record_trip",
    "update_driver",
]
