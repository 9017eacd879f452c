"""`X-Request-ID`: the client's (or its proxy's) when it is a sane token, else ours.

Sane: 1 to 128 characters of letters, digits and `-_.:+=/@` (UUIDs, hex,
base64, the ids load balancers make). Anything else (too long, spaces,
control or non-ASCII bytes) is replaced rather than refused: an id is for
finding a request, and a bad one must not end up in log lines or spans.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

HEADER = b"x-request-id"
MAX_LENGTH = 128
_SANE = re.compile(rb"[A-Za-z0-9\-_.:+=/@]{1,%d}" % MAX_LENGTH)


def request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The request's id: its X-Request-ID when sane, else a new random one."""
    for name, value in headers:
        if name == HEADER:
            if _SANE.fullmatch(value):
                return value.decode("ascii")
            break
    return new_request_id()


def new_request_id() -> str:
    return os.urandom(16).hex()  # 128 random bits: unique across processes and restarts
