from __future__ import annotations

from typing import Any

from sqlalchemy import Row

import writes
from cache import tags
from context import Context
from global_ids import encode_id
from resolvers.mutations.outcome import Outcome, decode_input_id, require_admin, run_write


async def record_trip(context: Context, driver_id: str, spec: writes.TripSpec) -> Outcome[Row[Any]]:
    require_admin(context)
    pk = decode_input_id(driver_id, "Driver", "driverId")
    if isinstance(pk, writes.Problem):
        return Outcome.rejected([pk, *spec.problems()], "input")
    outcome = await run_write(context, writes.record_trip(context.db.engine, pk, spec), "input")
    if outcome.value is None:
        return Outcome(problems=outcome.problems)
    written = outcome.value
    # A repeat (same externalId and input) wrote nothing, but invalidates again all
    # the same: the first request may have committed and then failed to invalidate
    # (or been cut off before it could), and its retry is what repairs the cache.
    # A repeat cannot tell whether the first changed the risk score: it says so.
    risk_changed = written.risk_changed or written.replayed
    context.invalidates |= tags.recorded_trip(
        written.row.id, pk, written.season_ids, risk_changed=risk_changed
    )
    return Outcome(written.row)


async def delete_trip(context: Context, global_id: str) -> Outcome[str]:
    """The deleted trip's global id."""
    require_admin(context)
    pk = decode_input_id(global_id, "Trip", "id")
    if isinstance(pk, writes.Problem):
        return Outcome.rejected([pk])
    deleted = await run_write(context, writes.delete_trip(context.db.engine, pk), "id")
    if deleted.value is None:
        return Outcome(problems=deleted.problems)
    row, season_ids = deleted.value.row, deleted.value.season_ids
    context.invalidates |= tags.deleted_trip(
        row.id, row.driver_id, season_ids, risk_changed=deleted.value.risk_changed
    )
    return Outcome(encode_id("Trip", row.id))
