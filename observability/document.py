"""The `graphql.document` span attribute: masked and truncated by setting.

Documents can carry inline literals (names, emails, ids) that are user data;
`masked` (the default) replaces string literals (where names, emails and ids
go) with `"***"` before the text leaves the process; numbers (page sizes,
scores) stay, they help reading a trace. Results are cached per text, because
clients send the same few documents over and over.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

DocumentMode = Literal["masked", "full", "off"]
MAX_DOCUMENT_LENGTH = 4096

# Block strings first, then strings with escapes.
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"')


@lru_cache(maxsize=256)
def _masked(text: str) -> str:
    return _STRING.sub('"***"', text)[:MAX_DOCUMENT_LENGTH]


def document_attribute(text: str, mode: DocumentMode) -> str | None:
    """The value for `graphql.document`, or None to leave it out."""
    if mode == "off":
        return None
    if mode == "full":
        return text[:MAX_DOCUMENT_LENGTH]
    return _masked(text)
