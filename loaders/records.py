"""Rows straight from asyncpg: a Record subclass per statement, with its columns as
attributes, so reads need no second pass to turn records into named tuples.

asyncpg builds each row as an instance of the `record_class` a fetch names; a
property per column (an `itemgetter` on the record's C-level indexing) gives
`row.name` as a named tuple would. Converting ~900 records of Q2 into named
tuples cost ~0.1 us a row; reading attributes through the properties costs
about what the conversion saved per access, and rows are read once or twice
(measured: 590 rows fetched and read, 300 vs 245 us of client CPU).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

import asyncpg

# Names a column may not take: the record's own methods and attributes.
_TAKEN = frozenset(dir(asyncpg.Record)) | {"_fields"}


def record_type(names: Sequence[str]) -> type[asyncpg.Record] | None:
    """A Record subclass whose columns are attributes, or None when a name cannot be
    one (not an identifier, private, a duplicate, or one of the record's methods)."""
    if len(set(names)) != len(names) or any(
        not name.isidentifier() or name.startswith("_") or name in _TAKEN for name in names
    ):
        return None
    attributes: dict[str, object] = {
        name: property(itemgetter(index)) for index, name in enumerate(names)
    }
    attributes["_fields"] = tuple(names)
    attributes["__slots__"] = ()
    return type("Row", (asyncpg.Record,), attributes)
