"""The response cache: entity-tagged, hint-driven, Redis or in-process.

Light on purpose: `gql/types` import `cache.hints` while the schema is
built, so nothing here imports the schema. The cache's step of the request
pipeline is pipeline/response_cache.py.
"""

from cache.hints import CacheHint, Scope, cache_control, hint

__all__ = ["CacheHint", "Scope", "cache_control", "hint"]
