"""Import files as byte streams: plain or gzip, detected by content, read as they stream."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

from ingest.rows import FormatError

GZIP_MAGIC = b"\x1f\x8b"
# What a truncated or corrupt gzip stream raises while it is read.
STREAM_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def open_stream(path: Path) -> BinaryIO:
    """The file's bytes, decompressed on the fly when it is gzip (whatever its name)."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise FormatError(f"cannot open {path.name}: {exc.strerror or exc}") from None
    if raw.read(2) != GZIP_MAGIC:
        raw.seek(0)
        return raw
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
