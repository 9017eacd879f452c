"""A compressed stream left open, closed per response with a few plain bytes.

For bodies that are the same but for their last bytes (a cached answer
whose `extensions.cache.maxAge` changes every second): the shared head is
compressed once and flushed to a byte boundary without ending the stream;
each response appends its tail as an uncompressed block and ends it. The
result is one valid stream that any decoder reads:

- gzip (RFC 1952, RFC 1951 3.2.4): header; the head's deflate blocks ending
  with a sync flush; a final stored block holding the tail; the CRC-32 of
  head and tail (continued from the head's) and their length.
- brotli (RFC 7932 9.2): the head's meta-blocks ending with a flush (which
  byte-aligns the stream); an uncompressed meta-block holding the tail; an
  empty last meta-block.

Stored blocks hold at most 65,535 bytes (brotli's 65,536): tails are a few
dozen. tests/web/test_spliced.py decodes the results with gzip, brotli and httpx.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import brotli

from web.codings import Coding

HEAD_BROTLI_QUALITY = 5  # compressed once per entry, not per response: a notch above
HEAD_GZIP_LEVEL = 6
MAX_TAIL = 65_535
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime
_BROTLI_LAST_EMPTY = b"\x03"  # ISLAST=1, ISLASTEMPTY=1


@dataclass(frozen=True, slots=True)
class OpenStream:
    """The compressed head, not ended; `crc` and `size` describe the plain head (gzip)."""

    coding: Coding
    data: bytes
    crc: int
    size: int


def open_stream(head: bytes, coding: Coding) -> OpenStream:
    if coding == "br":
        compressor = brotli.Compressor(mode=brotli.MODE_TEXT, quality=HEAD_BROTLI_QUALITY)
        data = bytes(compressor.process(head)) + bytes(compressor.flush())
        return OpenStream(coding, data, 0, len(head))
    deflate = zlib.compressobj(HEAD_GZIP_LEVEL, zlib.DEFLATED, -15)  # raw: we frame it
    data = _GZIP_HEADER + deflate.compress(head) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return OpenStream(coding, data, zlib.crc32(head), len(head))


def close_stream(stream: OpenStream, tail: bytes) -> bytes:
    """The whole body: `stream`'s head, then `tail` (at most MAX_TAIL bytes)."""
    n = len(tail)
    if not 0 < n <= MAX_TAIL:
        raise ValueError(f"a tail holds 1 to {MAX_TAIL} bytes, not {n}")
    if stream.coding == "br":
        # ISLAST=0, MNIBBLES=4 (code 0), MLEN-1 in 16 bits, ISUNCOMPRESSED=1; 20 bits, padded.
        header = ((n - 1) << 3 | 1 << 19).to_bytes(3, "little")
        return stream.data + header + tail + _BROTLI_LAST_EMPTY
    crc = zlib.crc32(tail, stream.crc)
    stored = b"\x01" + struct.pack("<HH", n, n ^ 0xFFFF)  # BFINAL=1, BTYPE=00, LEN, NLEN
    trailer = struct.pack("<II", crc, (stream.size + n) & 0xFFFFFFFF)
    return stream.data + stored + tail + trailer
