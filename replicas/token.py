"""The consistency token: a WAL position of the primary, opaque to clients.

A mutation's response carries the primary's `pg_current_wal_lsn()` read after
its commit; a later request sending it back is read from a server that has
replayed at least that far. The text is the position in hex, so clients have
nothing to parse; a token this module cannot read is `None` (the caller reads
from the primary: a forged or garbled token costs its sender speed, never
correctness).
"""

from __future__ import annotations

MAX_TOKEN_LENGTH = 16  # a 64-bit position in hex


_HEX = frozenset("0123456789abcdef")


def token_of(wal: int) -> str:
    return format(wal, "x")


def parse_token(text: str) -> int | None:
    # Only what `token_of` writes: `int(text, 16)` alone would also take "0x10" or "1_0".
    if not 0 < len(text) <= MAX_TOKEN_LENGTH or not _HEX.issuperset(text):
        return None
    return int(text, 16)
