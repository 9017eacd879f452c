"""A job's file as batches of rows, in the format it was given as."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ingest import csv_rows, fields, ndjson
from ingest.rows import Batch, FormatError, Rejection, TripRow
from ingest.source import STREAM_ERRORS, open_stream
from models import ImportFormat


class Reader:
    """Rows after `skip_through`, `size` at a time; `position` is how far into the
    file (its bytes as stored, compressed or not) reading got, for progress bars."""

    def __init__(self, path: Path, format: ImportFormat, skip_through: int) -> None:
        self._raw: BinaryIO = open_stream(path)
        self._file = getattr(self._raw, "fileobj", None) or self._raw
        read = ndjson.read if format is ImportFormat.NDJSON else csv_rows.read_trips
        self._rows: Iterator[TripRow | Rejection] = read(self._raw, skip_through)

    @property
    def position(self) -> int:
        try:
            return int(self._file.tell())
        except (OSError, ValueError):
            return 0

    def next_batch(self, size: int, *, check: bool = True) -> Batch | None:
        """Blocking (run it in a thread); None after the last row. `FormatError`
        when the file turns out not to be the format, or cannot be read on.
        `check`: trips are also checked against the trip rules (fields.checked)."""
        batch = Batch()
        try:
            for found in self._rows:
                row = fields.checked(found) if check and isinstance(found, TripRow) else found
                if isinstance(row, TripRow):
                    batch.trips.append(row)
                else:
                    batch.rejected.append(row)
                batch.last_line = row.line
                if batch.read >= size:
                    break
        except STREAM_ERRORS as exc:
            raise FormatError(
                f"after line {batch.last_line}: the file is cut short or corrupt ({exc})"
            ) from None
        except UnicodeDecodeError:
            raise FormatError("the file is not UTF-8 text") from None
        return batch if batch.read else None

    def close(self) -> None:
        self._raw.close()
        if self._file is not self._raw:
            self._file.close()
