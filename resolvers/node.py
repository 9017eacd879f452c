"""Relay `node`/`nodes`: any mix of types, one batched load per type."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Row

from context import Context
from global_ids import decode_id
from loaders.base import Loader


def _loader_for(context: Context, type_name: str) -> Loader[int, Row[Any] | None]:
    loaders = context.loaders
    by_type: dict[str, Loader[int, Row[Any] | None]] = {
        "Driver": loaders.driver_by_id,
        "Vehicle": loaders.vehicle_by_id,
        "Trip": loaders.trip_by_id,
        "SafetyEvent": loaders.safety_event_by_id,
        "Season": loaders.season_by_id,
    }
    return by_type[type_name]


async def nodes(context: Context, global_ids: list[str]) -> list[tuple[str, Row[Any] | None]]:
    """(type name, row or None) per id, in order. Every id is validated first."""
    decoded = [decode_id(global_id) for global_id in global_ids]
    rows = await asyncio.gather(
        *(_loader_for(context, type_name).load(pk) for type_name, pk in decoded)
    )
    return [(type_name, row) for (type_name, _), row in zip(decoded, rows, strict=True)]
