"""The CPU a document's preparation took, charged once to a client's bucket.

The cost (limits/cost.py) prices what an operation may fetch; parsing and
validating a new document is work of another kind, and a client sending new
documents (2,000-token texts, refused fragment chains, 99 KB syntax errors)
was never charged for it: documents refused by validation or parsing cost
nothing, however often they were sent (bench/RESULTS.md, "Abuse mix"). So
the document cache measures the CPU each preparation takes (the preparing
thread's own CPU time, wherever it ran), and the limits guard charges it to
the first client whose request runs that document, at
`RATE_LIMIT_POINTS_PER_CPU_MS` points a millisecond
(docs/decisions/0013-limits-and-cost.md). A document already prepared costs
nothing more: repeating a known document is what clients do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(slots=True)
class PreparationCost:
    """CPU seconds one document's parse and validation took, charged at most once."""

    seconds: float = 0.0
    charged: bool = False

    def points(self, per_cpu_ms: float) -> int:
        """The points owed for it, at most once (0 afterwards): at least 1 when any CPU
        was spent, so no new document is free."""
        if self.charged or self.seconds <= 0.0 or per_cpu_ms <= 0.0:
            return 0
        self.charged = True
        return max(1, math.ceil(self.seconds * 1000.0 * per_cpu_ms))
