from __future__ import annotations

from typing import Any

from sqlalchemy import Row

import writes
from gql.context import Context
from resolvers.mutations.outcome import Outcome, decode_input_id, require_admin, run_write


async def create_driver(context: Context, spec: writes.DriverSpec) -> Outcome[Row[Any]]:
    require_admin(context)
    return await run_write(
        context, writes.create_driver(context.db.engine, spec, context.now), "input"
    )


async def update_driver(
    context: Context, global_id: str, spec: writes.DriverSpec
) -> Outcome[Row[Any]]:
    require_admin(context)
    pk = decode_input_id(global_id, "Driver", "id")
    if isinstance(pk, writes.Problem):
        return Outcome.rejected([pk, *spec.problems()], "input")
    return await run_write(
        context, writes.update_driver(context.db.engine, pk, spec, context.now), "input"
    )
