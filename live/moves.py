"""What moved on a leaderboard page between two computations of it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# One page as compared: (driver pk, rank, value) per row, in order.
Snapshot = tuple[tuple[int, int, float], ...]


@dataclass(frozen=True, slots=True)
class Move:
    """A driver whose rank on the page changed; None: off the page."""

    driver_pk: int
    old_rank: int | None
    new_rank: int | None


def snapshot(rows: Iterable[Any]) -> Snapshot:
    return tuple((int(r.driver_id), int(r.rank), float(r.value)) for r in rows)


def moves(before: Snapshot | None, after: Snapshot) -> list[Move]:
    """Drivers that entered, left or changed rank, in the new page's order, then the
    ones that left. Nothing moved on the first computation (`before` None)."""
    if before is None:
        return []
    old = {pk: rank for pk, rank, _ in before}
    new = {pk: rank for pk, rank, _ in after}
    found = [Move(pk, old.get(pk), rank) for pk, rank, _ in after if old.get(pk) != rank]
    found += [Move(pk, rank, None) for pk, rank, _ in before if pk not in new]
    return found


def changed(before: Snapshot | None, after: Sequence[tuple[int, int, float]]) -> bool:
    return before is None or tuple(after) != before
