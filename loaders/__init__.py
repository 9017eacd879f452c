"""Data access: per-request DataLoaders and page queries returning plain rows.

One SQL statement per batch; nothing here knows about GraphQL.
"""

from loaders.database import Database
from loaders.registry import Loaders

__all__ = ["Database", "Loaders"]
