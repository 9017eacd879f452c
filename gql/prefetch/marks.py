"""Mark resolvers that load through a DataLoader, so the warm-up calls them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

LOADS = "_fleetgraph_loads"


def loads(resolver: F) -> F:
    """Declare that `resolver` reads through a per-request loader (batched I/O)."""
    setattr(resolver, LOADS, True)
    return resolver


def does_load(resolver: Callable[..., Any]) -> bool:
    return bool(getattr(resolver, LOADS, False))
