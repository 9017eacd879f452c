"""Read replicas: which PostgreSQL server a read goes to (docs/decisions/0032d-read-replicas.md)."""

from replicas.route import ROUTE, Route, current_wal
from replicas.router import ReplicaRouter
from replicas.token import parse_token, token_of

__all__ = ["ROUTE", "ReplicaRouter", "Route", "current_wal", "parse_token", "token_of"]
