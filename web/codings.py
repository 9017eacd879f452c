"""Content codings: which one a client accepts, and compressing a body with it.

Brotli is preferred over gzip when a client accepts both with the same
weight: JSON answers come out 15-25% smaller. Qualities are the usual ones
for compressing on the fly (brotli 4, gzip 6): higher ones cost several
times the CPU for a few percent.
"""

from __future__ import annotations

import zlib
from typing import Literal

import brotli

from bounded import BoundedLRU, budget

Coding = Literal["br", "gzip"]

BROTLI_QUALITY = 4
GZIP_LEVEL = 6
MAX_REMEMBERED_HEADER = 256  # longer Accept-Encoding values are parsed every time

# What `choose_coding` answered per Accept-Encoding value (client input: bounded).
_chosen: BoundedLRU[str, tuple[Coding | None]] = BoundedLRU(256, budget.ACCEPT_ENCODINGS)
_PREFERENCE: tuple[Coding, ...] = ("br", "gzip")


def choose_coding(accept_encoding: str | None) -> Coding | None:
    """The coding to answer with (None: identity) for an Accept-Encoding value."""
    if not accept_encoding:
        return None
    found = _chosen.get(accept_encoding)
    if found is None:
        found = (_choose(accept_encoding),)
        if len(accept_encoding) <= MAX_REMEMBERED_HEADER:
            _chosen.put(accept_encoding, found)
    return found[0]


def _choose(accept_encoding: str) -> Coding | None:
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.lower()] = q
    wildcard = weights.get("*", 0.0)
    best: Coding | None = None
    best_q = 0.0
    for coding in _PREFERENCE:  # first wins a tie: the better ratio
        q = weights.get(coding, wildcard)
        if q > best_q:
            best, best_q = coding, q
    return best


def compress(body: bytes, coding: Coding) -> bytes:
    """`body` as one complete gzip or brotli stream."""
    if coding == "br":
        return bytes(brotli.compress(body, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY))
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip header, trailer
    return compressor.compress(body) + compressor.flush()


def coded_etag(etag: str, coding: Coding) -> str:
    """The validator of the `coding` representation: `W/"abc"` -> `W/"abc-br"`.

    Each coding is its own representation (RFC 9110 8.8.3): a cache holding the
    gzip bytes must not revalidate them as if they were the brotli ones.
    """
    return f'{etag[:-1]}-{coding}"'


def base_etag(etag: str) -> str:
    """`coded_etag` undone: `W/"abc-br"` -> `W/"abc"` (any other value unchanged)."""
    for coding in _PREFERENCE:
        suffix = f'-{coding}"'
        if etag.endswith(suffix):
            return etag[: -len(suffix)] + '"'
    return etag
