"""The planned executor: a validated operation compiled once into per-level loads
and generated builders, answering like the reference executor without its
per-field work. `plan` builds, `execute` runs; `planner.Planner` ties them
to a plan cache.
"""

from planner import reasons
from planner.execute import NeedsReference
from planner.plan import Unplannable
from planner.planner import Bound, Planner

__all__ = ["Bound", "NeedsReference", "Planner", "Unplannable", "reasons"]
