"""Per-process memo tables bounded by entries and by bytes (a leaf: imports no project module)."""

from bounded import budget
from bounded.lru import BoundedLRU, client_bytes

__all__ = ["BoundedLRU", "budget", "client_bytes"]
