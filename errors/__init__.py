"""Domain errors with stable codes; `gql` maps them to GraphQL errors."""

from errors.domain import (
    DomainError,
    InvalidArgument,
    InvalidCursor,
    InvalidId,
    NotFound,
)

__all__ = ["DomainError", "InvalidArgument", "InvalidCursor", "InvalidId", "NotFound"]
