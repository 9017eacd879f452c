"""Persisted-query refusals, each with a stable `extensions.code` and HTTP status.

Message and code follow Apollo Server where Apollo defines them
(`PersistedQueryNotFound`, `PersistedQueryNotSupported`): Apollo Client's
persisted-query link matches on them to resend the full query or give up APQ.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PersistedQueryError(Exception):
    code: ClassVar[str] = "BAD_REQUEST"
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = "Invalid persisted-query request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"

    def to_json(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


class PersistedQueryNotFound(PersistedQueryError):
    """Hash or document id not in the store: the client should resend the text."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    status = 200
    default_message = "PersistedQueryNotFound"


class PersistedQueryNotSupported(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_SUPPORTED"
    status = 200
    default_message = "PersistedQueryNotSupported"


class PersistedQueryHashMismatch(PersistedQueryError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"
    default_message = "provided sha256Hash does not match the query"


class PersistedQueryVersionUnsupported(PersistedQueryError):
    code = "PERSISTED_QUERY_VERSION_UNSUPPORTED"
    default_message = "Unsupported persisted query version (expected 1)"


class PersistedQueryNotAllowed(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_ALLOWED"
    default_message = "Only trusted documents may run on this server"


class PersistedQueryStoreUnavailable(PersistedQueryError):
    """Trusted mode fails closed: an unverifiable document does not run."""

    code = "PERSISTED_QUERY_STORE_UNAVAILABLE"
    status = 503
    default_message = "The trusted-document store is unavailable; try again"
