from __future__ import annotations

from typing import Any

from sqlalchemy import Row

import writes
from cache import tags
from context import Context
from resolvers.mutations.outcome import Outcome, decode_input_id, require_admin, run_write


async def create_driver(context: Context, spec: writes.DriverSpec) -> Outcome[Row[Any]]:
    require_admin(context)
    outcome = await run_write(
        context, writes.create_driver(context.db.engine, spec, context.now), "input"
    )
    if outcome.value is not None:
        with_vehicle = spec.vehicle is not None
        context.invalidates |= tags.created_driver(outcome.value.id, with_vehicle=with_vehicle)
    return outcome


async def update_driver(
    context: Context, global_id: str, spec: writes.DriverSpec
) -> Outcome[Row[Any]]:
    require_admin(context)
    pk = decode_input_id(global_id, "Driver", "id")
    if isinstance(pk, writes.Problem):
        return Outcome.rejected([pk, *spec.problems()], "input")
    outcome = await run_write(
        context, writes.update_driver(context.db.engine, pk, spec, context.now), "input"
    )
    if outcome.value is not None:
        context.invalidates |= tags.updated_driver(pk, with_vehicle=spec.vehicle is not None)
    return outcome
