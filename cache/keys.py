"""Cache keys: document + operation + canonical variables + scope + schema version.

Hashed into one fixed-length key, so no part can run into another (a
variable value containing the separator, say) and Redis keys stay short.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

from auth.tokens import Viewer
from cache.hints import Scope


def schema_version(sdl: str) -> str:
    """A hash of the printed schema: a deploy that changes it starts a new key space."""
    return hashlib.sha256(sdl.encode()).hexdigest()[:16]


def scope_key(scope: Scope, viewer: Viewer) -> str:
    """PUBLIC, or PRIVATE per viewer (role and subject): never shared across viewers."""
    if scope is Scope.PUBLIC:
        return "PUBLIC"
    return f"PRIVATE:{viewer.role or 'anonymous'}:{viewer.subject or ''}"


def cache_key(
    version: str,
    document_sha256: str,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    scope: str,
) -> str:
    canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    parts = (version, document_sha256, operation_name or "", scope)
    digest = hashlib.sha256("\x00".join(parts).encode())
    digest.update(b"\x00" + canonical)
    return digest.hexdigest()
