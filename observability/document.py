"""The `graphql.document` span attribute: masked and truncated by setting.

Documents can carry inline literals (names, emails, ids) that are user data;
`masked` (the default) replaces string literals (where names, emails and ids
go) with `"***"` before the text leaves the process; numbers (page sizes,
scores) stay, they help reading a trace. Only the first MAX_DOCUMENT_LENGTH
characters are kept, and only they are scanned. Results are remembered per
text, because clients send the same few documents over and over.
"""

from __future__ import annotations

import re
from typing import Literal

from bounded import BoundedLRU, budget

DocumentMode = Literal["masked", "full", "off"]
MAX_DOCUMENT_LENGTH = 4096

# Block strings first, then strings with escapes. A string the cut leaves open (or a
# one-line string a newline ends) is masked up to there: every opening quote starts a
# match, so the scan is one pass (no rescanning a long unterminated string from each
# of its quotes).
_STRING = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\\?\Z)'
    r'|"(?:[^"\\\n]|\\.)*(?:"|\\?(?=\n)|\\?\Z)'
)
# By cut text (at most MAX_DOCUMENT_LENGTH characters): 256 of them, 4 MiB in all.
_masked: BoundedLRU[str, str] = BoundedLRU(256, budget.SPAN_DOCUMENTS)


def document_attribute(text: str, mode: DocumentMode) -> str | None:
    """The value for `graphql.document`, or None to leave it out."""
    if mode == "off":
        return None
    text = text[:MAX_DOCUMENT_LENGTH]
    if mode == "full":
        return text
    found = _masked.get(text)
    if found is None:
        found = _STRING.sub('"***"', text)[:MAX_DOCUMENT_LENGTH]
        _masked.put(text, found)
    return found
