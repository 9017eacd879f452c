"""Read replicas: which PostgreSQL server a read goes to.

See docs/decisions/0034d-read-replicas-and-redis-cluster.md.
"""

from replicas.route import ROUTE, Route, current_wal
from replicas.router import ReplicaRouter
from replicas.token import parse_token, token_of

__all__ = ["ROUTE", "ReplicaRouter", "Route", "current_wal", "parse_token", "token_of"]
