"""Domain errors with stable codes; `gql` maps them to GraphQL errors."""

from errors.domain import (
    DomainError,
    Forbidden,
    InvalidArgument,
    InvalidCursor,
    InvalidId,
    NotFound,
    Unauthenticated,
)

__all__ = [
    "DomainError",
    "Forbidden",
    "InvalidArgument",
    "InvalidCursor",
    "InvalidId",
    "NotFound",
    "Unauthenticated",
]
