"""Error messages over client text: bounded work, whatever the message's length."""

from __future__ import annotations

import re
from typing import Any

import pytest

from errors import messages
from errors.domain import MAX_ECHO
from errors.messages import MAX_MESSAGE, MAX_SCANNED, short_message

SPACES = " " * 32_000
# What graphql-core says about `{ "<32k spaces>" }`: the token, quoted whole.
SYNTAX_ERROR = f"Syntax Error: Expected Name, found String '{SPACES}'."


class _Recorder:
    """Stands in for a compiled pattern and records the length of what it scans."""

    def __init__(self, pattern: re.Pattern[str], lengths: list[int]) -> None:
        self.pattern, self.lengths = pattern, lengths

    def sub(self, replace: Any, text: str) -> str:
        self.lengths.append(len(text))
        return self.pattern.sub(replace, text)


def test_a_32k_string_token_is_shaped_from_a_capped_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned: list[int] = []
    monkeypatch.setattr(messages, "_QUOTED_TO_CUT", _Recorder(messages._QUOTED_TO_CUT, scanned))
    monkeypatch.setattr(messages, "_QUOTED", _Recorder(messages._QUOTED, scanned))
    without = messages.without_suggestions

    def recorded(message: str) -> str:
        scanned.append(len(message))
        return without(message)

    monkeypatch.setattr(messages, "without_suggestions", recorded)

    shaped = short_message(SYNTAX_ERROR, suggestions=False)  # production: no suggestions

    assert scanned and max(scanned) <= MAX_SCANNED
    assert shaped == "Syntax Error: Expected Name, found String '" + " " * MAX_ECHO + "…'"


def test_short_messages_are_unchanged_by_the_cap() -> None:
    prose = "Can't " + "x" * 200 + " (no closing quote)."  # an apostrophe is not a quote
    assert short_message(prose) == prose
    quoted = f"Unknown operation named '{'n' * 95_000}'."
    assert short_message(quoted) == f"Unknown operation named '{'n' * MAX_ECHO}…'"
    assert len(short_message("y" * 100_000)) == MAX_MESSAGE


def test_suggestions_are_removed_in_one_pass() -> None:
    message = "Cannot query field 'activeSeaso' on type 'Query'. Did you mean 'activeSeason'?"
    assert short_message(message, suggestions=False) == (
        "Cannot query field 'activeSeaso' on type 'Query'."
    )
    two = "A.  Did you mean 'b'? C. \nDid you mean 'd' or 'e'? F."
    assert messages.without_suggestions(two) == "A. C. F."
    # No question mark after it: nothing to remove, and nothing scanned twice.
    dangling = "Did you mean " * 1000
    assert messages.without_suggestions(dangling) == dangling
    blanks = " " * 32_000 + "Did you mean x?"
    assert messages.without_suggestions(blanks) == ""
