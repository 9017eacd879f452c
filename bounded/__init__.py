"""Per-process memo tables bounded by entries and by bytes (a leaf: imports no project module)."""

from bounded.lru import BoundedLRU, client_bytes

__all__ = ["BoundedLRU", "client_bytes"]
