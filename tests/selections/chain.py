"""The doubling fragment chain: each fragment spreads the next one twice."""

from __future__ import annotations


def chain(fragments: int, leaf: str = "id name") -> str:
    """`fragments` fragments on Driver, each spreading the next twice (2^n expansions),
    under `drivers { nodes }`: depth 3, no alias, ~10 tokens a fragment."""
    spreads = [f"fragment F{i} on Driver {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)]
    last = f"fragment F{fragments} on Driver {{ {leaf} }}"
    return "{ drivers { nodes { ...F0 } } } " + " ".join([*spreads, last])
