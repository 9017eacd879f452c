"""One streaming replica: its read pools and what the last check saw of it."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from replicas.pools import Pools

# Positions as bytes since 0/0: comparable integers (exact in a bigint).
REPLAY_SQL = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint"
# The insert position, not `pg_current_wal_lsn()` (the write position): with
# synchronous_commit=off a commit returns before its record is written, so only
# the insert position is sure to be past it. When the last record ended on a page
# boundary, the insert position stands past the next page's header (24 bytes; 40
# at a segment's start), where no replica's replay position ever gets until more
# WAL is written: an idle primary would make every replica look behind for good.
# Such a position is moved back to the boundary (the record's end).


def record_end_sql(position: str) -> str:
    """SQL for `position` (a bigint WAL position), moved back over a page header."""
    return f"""
SELECT CASE
    WHEN at % segment = 40 THEN at - 40
    WHEN at % block = 24 THEN at - 24
    ELSE at
END
FROM (
    SELECT ({position}) AS at,
           current_setting('wal_block_size')::bigint AS block,
           (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') AS segment
) AS insert_position
"""


PRIMARY_SQL = record_end_sql("(pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")


class NotAStandby(Exception):
    """The server answered but is not replaying WAL (a primary, or promoted)."""


@dataclass(eq=False)
class Replica:
    name: str  # host:port/database, for log lines
    pools: Pools
    up: bool = False
    replayed: int = 0  # replay position at the last check (it only grows while up)
    lag: float = 0.0  # seconds its position has been behind the primary's
    ready: bool = False  # up and within the lag limit: reads may go here

    async def position(self, seconds: float) -> int:
        """Its replay position now; raises when it cannot say within `seconds`."""
        async with asyncio.timeout(seconds):
            [record] = await self.pools.generic.fetch(REPLAY_SQL)
        if record[0] is None:
            raise NotAStandby(self.name)
        replayed = int(record[0])
        self.replayed = max(self.replayed, replayed) if self.up else replayed
        return replayed

    def down(self) -> None:
        """A read lost its connection here: no reads until a check finds it back."""
        self.up = self.ready = False


@dataclass
class PrimarySamples:
    """The primary's position at each check, to tell how long ago it was where a
    replica is now (lag in seconds of our own clock: no server clocks compared)."""

    keep_seconds: float
    samples: deque[tuple[float, int]] = field(default_factory=deque)

    def add(self, now: float, wal: int) -> None:
        self.samples.append((now, wal))
        while len(self.samples) > 1 and self.samples[0][0] < now - self.keep_seconds:
            self.samples.popleft()

    def lag(self, replayed: int, now: float) -> float:
        """Seconds since the primary first stood past `replayed` (0: caught up)."""
        for when, wal in self.samples:
            if wal > replayed:
                return now - when
        return 0.0
