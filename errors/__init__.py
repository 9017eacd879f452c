"""Domain errors with stable codes; `gql` maps them to GraphQL errors."""

from errors.domain import (
    CacheUnavailable,
    DomainError,
    Forbidden,
    InvalidArgument,
    InvalidCursor,
    InvalidId,
    NotFound,
    Unauthenticated,
)

__all__ = [
    "CacheUnavailable",
    "DomainError",
    "Forbidden",
    "InvalidArgument",
    "InvalidCursor",
    "InvalidId",
    "NotFound",
    "Unauthenticated",
]
