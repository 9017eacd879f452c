"""Reference cycles that client input leaves behind, collected in proportion to it.

The app raises the collector's first threshold to 200,000 (gql/app.py): a
large answer allocates tens of thousands of objects, and the default 700
made the collector run many times per request. Benign requests leave no
cycles, so nothing waits for it. Preparing a new document does: graphql-core's
tokens are a doubly linked list and its validation visitors refer to each
other, ~1,500 objects and the token values (a 99 KB string token keeps its
99 KB) per document. At 200,000 allocations between collections, and with
objects of a preparation in flight promoted to older generations, a client
sending new documents grew a worker by ~0.3 MB a request, 170 MB in 600
requests, and the allocator kept that high-water mark after the collection
(bench/RESULTS.md, "Abuse mix"; docs/decisions/0026-bounded-client-input.md).

So each new document adds its weight (its text plus 400 bytes a token, what
the document cache weighs it by) to a debt, and once the debt reaches the
budget the collector runs over every generation. The garbage awaiting a
collection stays around the budget, whatever a client sends; a cached
document adds nothing, so benign traffic never pays for it.
"""

from __future__ import annotations

import gc

from bounded import budget

# New documents' weight between two collections: ~5 of the largest (2,000 tokens). A
# full collection takes ~20-40 ms in a warm worker, against their 0.5-1 s of preparation.
DEFAULT_BUDGET = 4 * budget.MiB


class GarbageBudget:
    """Runs the cyclic collector once the weight of new documents reaches `budget_bytes`."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET) -> None:
        self.budget_bytes = budget_bytes
        self.pending = 0
        self.collections = 0

    def add(self, weight: int) -> None:
        """Count `weight` bytes of work that leaves cycles; collect when the budget is spent."""
        self.pending += weight
        if self.pending >= self.budget_bytes:
            self.pending = 0
            self.collections += 1
            # Every generation: a preparation's objects alive during an automatic
            # collection were promoted, and died in an older generation.
            gc.collect()
