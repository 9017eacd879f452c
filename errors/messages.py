"""Error messages bounded for clients: short echoes of client text, suggestions
removed when introspection is off, and work bounded whatever the message's length."""

from __future__ import annotations

import re

from errors.domain import MAX_ECHO, echo

MAX_MESSAGE = 300
# Messages quote client text (a syntax error quotes its token whole): only this much
# of one is ever scanned, so shaping costs the same for a 32 KB string as for a name.
MAX_SCANNED = 4 * MAX_MESSAGE


def _quoted(close: str) -> re.Pattern[str]:
    """A quoted stretch longer than an echo: user input (a name, a value), shortened.
    Linear: a stretch stops at the next quote of its kind."""
    n = MAX_ECHO + 1
    return re.compile(rf"'([^']{{{n},}})(?:'{close})|\"([^\"]{{{n},}})(?:\"{close})")


_QUOTED = _quoted("")
_QUOTED_TO_CUT = _quoted(r"|\Z")  # in a cut message, a quote left open runs to the cut
_SUGGESTION = "Did you mean "


def short_message(message: str, suggestions: bool = True) -> str:
    """At most MAX_MESSAGE characters, quoted client text echoed short; work bounded by
    MAX_SCANNED whatever the message's length."""
    quoted = _QUOTED
    if len(message) > MAX_SCANNED:
        message, quoted = message[:MAX_SCANNED], _QUOTED_TO_CUT
    if not suggestions:
        message = without_suggestions(message)
    message = quoted.sub(_shorten_quoted, message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def without_suggestions(message: str) -> str:
    """`message` without its "Did you mean …?" sentences and the blanks before them,
    in one pass (a regular expression starting with blanks rescans a run of them
    from each of its positions)."""
    kept: list[str] = []
    start = 0
    while (found := message.find(_SUGGESTION, start)) >= 0:
        end = message.find("?", found)
        if end < 0:
            break
        cut = found
        while cut > start and message[cut - 1].isspace():
            cut -= 1
        kept.append(message[start:cut])
        start = end + 1
    kept.append(message[start:])
    return "".join(kept)


def _shorten_quoted(match: re.Match[str]) -> str:
    quote = "'" if match[1] is not None else '"'
    return quote + echo(match[1] if match[1] is not None else match[2]) + quote
