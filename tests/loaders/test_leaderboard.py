"""Leaderboard orderings remembered per season, metric and region: bounded."""

from __future__ import annotations

from loaders import leaderboard
from loaders.leaderboard import MAX_REMEMBERED_REGION, leaderboard_ordering


def test_orderings_for_long_regions_are_built_not_kept() -> None:
    table = leaderboard._orderings
    entries, size = len(table), table.bytes
    for i in range(100):
        region = f"{i}" + "r" * 95_000
        ordering = leaderboard_ordering(1, "SAFETY_SCORE", region)
        assert ordering.tag == f"Leaderboard:1:SAFETY_SCORE:{region}"
    assert (len(table), table.bytes) == (entries, size)


def test_orderings_are_bounded_in_count_and_bytes() -> None:
    table = leaderboard._orderings
    for i in range(5_000):
        region = f"{i}".rjust(MAX_REMEMBERED_REGION, "r")
        first = leaderboard_ordering(i, "DISTANCE", region)
        assert leaderboard_ordering(i, "DISTANCE", region) is first  # remembered
        assert table.bytes <= table.max_bytes
    assert len(table) <= table.max_entries
