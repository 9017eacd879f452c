"""Warm a level's loaders for all its objects before graphql-core walks it.

See `warm.py`. A root resolver calls `prefetch(info, result)` once it has
its rows; every loader-backed field below is then already loaded and
resolves synchronously.
"""

from gql.prefetch.warm import prefetch

__all__ = ["prefetch"]
