"""Reads for the planned executor: one call for every parent of a level.

The planner loads a field for all its parents at once (planner/fields.py,
`Batched`), so it skips the loaders' per-key queue and calls their batch
functions directly, here: gql/types reach loaders only through resolvers.
Each returns the loader's awaitable as it is (no coroutine of its own): one
value per key, in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

from sqlalchemy import Row

from context import Context
from loaders.filters import TripFilterSpec

Rows = Awaitable[list[Row[Any] | None]]


def drivers(context: Context, pks: Sequence[int]) -> Rows:
    return context.loaders.driver_by_id.batch_load_fn(pks)


def vehicles(context: Context, pks: Sequence[int]) -> Rows:
    return context.loaders.vehicle_by_id.batch_load_fn(pks)


def vehicles_of_drivers(context: Context, driver_pks: Sequence[int]) -> Rows:
    return context.loaders.vehicle_by_driver_id.batch_load_fn(driver_pks)


def latest_risk_scores(context: Context, driver_pks: Sequence[int]) -> Rows:
    return context.loaders.latest_risk_score_by_driver_id.batch_load_fn(driver_pks)


def trips(context: Context, pks: Sequence[int]) -> Rows:
    return context.loaders.trip_by_id.batch_load_fn(pks)


def seasons(context: Context, pks: Sequence[int]) -> Rows:
    return context.loaders.season_by_id.batch_load_fn(pks)


def season_stats(context: Context, driver_pks: Sequence[int], season_pk: int) -> Rows:
    """Each driver's figures in the season (None: no trip in it)."""
    keys = [(pk, season_pk) for pk in driver_pks]
    return context.loaders.stats_by_driver_season.batch_load_fn(keys)


def ranks(
    context: Context, driver_pks: Sequence[int], season_pk: int, metric: str
) -> Awaitable[list[int | None]]:
    shared = (season_pk, metric)
    return context.loaders.rank_by_driver.batch_load_fn([(pk, shared) for pk in driver_pks])


def trip_counts(
    context: Context, keys: Sequence[tuple[int, TripFilterSpec | None]]
) -> Awaitable[list[int]]:
    """Trips per (driver pk, filter)."""
    return context.loaders.trip_count_by_driver_id.batch_load_fn(keys)


def safety_event_counts(context: Context, trip_pks: Sequence[int]) -> Awaitable[list[int]]:
    return context.loaders.safety_event_count_by_trip_id.batch_load_fn(trip_pks)
