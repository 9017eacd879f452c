"""The typed per-request context every resolver and the planner receive."""

from context.request import Context

__all__ = ["Context"]
