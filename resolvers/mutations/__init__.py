"""Mutation resolvers: check the viewer, decode ids, run a write, report its outcome."""

from resolvers.mutations.drivers import create_driver, update_driver
from resolvers.mutations.outcome import Outcome
from resolvers.mutations.trips import delete_trip, record_trip

__all__ = ["Outcome", "create_driver", "delete_trip", "record_trip", "update_driver"]
