"""Uploaded files kept where every worker reads them (IMPORT_SPOOL_DIR).

A job names its file by path, so the spool directory must be one that all
the hosts running workers see (a shared volume) when they are several; on
one host it is a local directory. Files are written under a random name
(the client's name is kept on the job only as a label) and copied in
chunks, never held in memory whole.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Protocol

CHUNK = 1 << 20


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def keep(upload: Readable, directory: Path, suffix: str) -> Path:
    """The path the upload's bytes were written to."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    path = (directory / f"{uuid.uuid4().hex}{suffix}").resolve()
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            await asyncio.to_thread(out.write, chunk)
    return path
