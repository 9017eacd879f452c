"""The response cache: entity-tagged, hint-driven, Redis or in-process.

Light on purpose: `gql/types` import `cache.hints` while the schema is
built, so nothing here imports the view (`cache.view`) or the schema.
"""

from cache.hints import CacheHint, Scope, cache_control, hint

__all__ = ["CacheHint", "Scope", "cache_control", "hint"]
