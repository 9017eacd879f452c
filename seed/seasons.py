"""Quarterly seasons: the quarter holding the anchor and the three before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

SEASON_COUNT = 4


@dataclass(frozen=True, slots=True)
class SeasonWindow:
    id: int
    name: str
    starts_at: datetime  # inclusive
    ends_at: datetime  # exclusive: the next quarter's start


def _quarter_start(year: int, quarter: int) -> datetime:
    return datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)


def quarterly_seasons(anchor: datetime) -> list[SeasonWindow]:
    """Oldest first, so ids 1..4 follow time."""
    anchor = anchor.astimezone(UTC)
    # Quarters counted from year 0 make "the previous quarter" plain subtraction.
    current = anchor.year * 4 + (anchor.month - 1) // 3
    seasons = []
    for offset in range(SEASON_COUNT - 1, -1, -1):
        index = current - offset
        year, quarter = divmod(index, 4)
        next_year, next_quarter = divmod(index + 1, 4)
        seasons.append(
            SeasonWindow(
                id=SEASON_COUNT - offset,
                name=f"{year}-Q{quarter + 1}",
                starts_at=_quarter_start(year, quarter + 1),
                ends_at=_quarter_start(next_year, next_quarter + 1),
            )
        )
    return seasons
