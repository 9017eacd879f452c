"""Map a (type name, row) from `node`/`nodes` to its GraphQL object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row

from gql.types.driver import Driver
from gql.types.node import Node
from gql.types.safety_event import SafetyEvent
from gql.types.season import Season
from gql.types.trip import Trip
from gql.types.vehicle import Vehicle

NODE_CLASSES: dict[str, Callable[[Row[Any]], Node]] = {
    "Driver": Driver.of,
    "Vehicle": Vehicle.of,
    "Trip": Trip.of,
    "SafetyEvent": SafetyEvent.of,
    "Season": Season.of,
}


def node_of(type_name: str, row: Row[Any] | None) -> Node | None:
    return None if row is None else NODE_CLASSES[type_name](row)
