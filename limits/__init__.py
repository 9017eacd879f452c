"""Hardening: document limits, cost and rate limiting, request size, concurrency and
body read time (see README)."""

from limits.batch import MAX_BATCH_OPERATIONS, check_batch, check_batch_items
from limits.body_timeout import BodyReadTimeout
from limits.concurrency import ConcurrencyLimit
from limits.debt_gate import DebtGate
from limits.errors import RequestRejected, coded_error
from limits.guard import RequestGuard
from limits.policy import DocumentPolicy
from limits.rate_limiter import RateLimiter
from limits.request_size import RequestSizeLimit
from limits.rules import limit_rules

__all__ = [
    "MAX_BATCH_OPERATIONS",
    "BodyReadTimeout",
    "ConcurrencyLimit",
    "DebtGate",
    "DocumentPolicy",
    "RateLimiter",
    "RequestGuard",
    "RequestRejected",
    "RequestSizeLimit",
    "check_batch",
    "check_batch_items",
    "coded_error",
    "limit_rules",
]
