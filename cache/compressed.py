"""Response-cache entries kept compressed, so a hit is sent as stored.

A hit's body is the entry's body with its `extensions.cache` spliced in
before the closing brace (cache/entry.py), and that changes every second.
So what is kept is the body up to that brace, compressed once per coding
and left open (web/spliced.py); each hit appends its few bytes of
extensions and ends the stream, without compressing anything.

Keyed by the entry's ETag (a hash of its body) and the coding: forms
outlive nothing they should not, since an entry replaced or invalidated has
another ETag or is never looked up again, and ages out of the LRU. Bounded
by bytes (COMPRESSION_CACHE_BYTES, default budget.COMPRESSED_ENTRIES),
whatever the backend (in-process, or Redis with or without local copies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bounded import BoundedLRU
from web.codings import Coding
from web.compression import COMPRESSIONS
from web.spliced import OpenStream, close_stream, open_stream

if TYPE_CHECKING:
    from cache.entry import Entry

MAX_FORMS = 65_536
_OVERHEAD = 200  # bytes per form beyond its data: key, tuple, object


class CompressedEntries:
    def __init__(self, *, max_bytes: int, minimum_size: int) -> None:
        self.minimum_size = minimum_size
        self._forms: BoundedLRU[tuple[str, Coding], OpenStream] = BoundedLRU(
            MAX_FORMS, max_bytes, weigh=lambda _, form: len(form.data) + _OVERHEAD
        )

    def __len__(self) -> int:
        return len(self._forms)

    def held_bytes(self) -> int:
        return self._forms.bytes

    def worth(self, entry: Entry) -> bool:
        """Whether a hit on `entry` is compressed (else it goes out as it is)."""
        return len(entry.body) >= self.minimum_size

    def hit(self, entry: Entry, max_age: int, coding: Coding) -> bytes:
        """The body of a hit with `max_age` seconds left, in `coding`."""
        key = (entry.etag, coding)
        form = self._forms.get(key)
        if form is None:
            form = open_stream(entry.head(), coding)
            COMPRESSIONS.labels(coding, "cache_entry").inc()
            self._forms.put(key, form)  # refused when heavier than the whole budget
        return close_stream(form, entry.hit_tail(max_age))
