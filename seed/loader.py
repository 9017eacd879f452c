"""What run.py needs from a backend: bulk-load tuples inside the open transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from models import Base
from seed.generate import Row

# Every table the models define, parents first: what `replace` empties (reversed
# on SQLite) and what must exist before seeding. Derived, so a table a later
# migration adds is covered without touching the seed.
MODEL_TABLES = tuple(table.name for table in Base.metadata.sorted_tables)
# The tables the seed writes, parents first.
TABLES = (
    "seasons",
    "drivers",
    "vehicles",
    "risk_scores",
    "trips",
    "safety_events",
    "driver_season_stats",
)
# Tables with an integer `id` whose sequence must continue after the seeded ids.
ID_TABLES = ("seasons", "drivers", "vehicles", "risk_scores", "trips", "safety_events")


class Loader(Protocol):
    def stamp(self, epoch_s: int) -> Any:
        """The value a timestamp column takes in `load` rows."""

    async def prepare(self, *, clear: bool) -> None:
        """Tune the transaction for bulk work; delete every row first when `clear`."""

    async def load(self, table: str, columns: Sequence[str], rows: list[Row]) -> None: ...

    async def finish(self) -> None:
        """Undo what `prepare` relaxed and reset id sequences (same transaction)."""

    async def after_commit(self) -> None:
        """Post-commit upkeep such as planner statistics."""
