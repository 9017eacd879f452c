"""Seed plans the test suite shares (see `seeded_db_url` in tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from seed import SeedPlan

# Pinned anchor: the same rows, ids and seasons (2026-Q1..2026-Q4) on every run.
TEST_ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)
TEST_PLAN = SeedPlan(drivers=60, trips_per_driver=8, seed=7, anchor=TEST_ANCHOR)
