"""Count SQL statements per request (tests pin them; /metrics totals them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

SQL_STATEMENTS = Counter("fleetgraph_sql_statements", "SQL statements executed")


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)
    # The log this one is nested in: it sees the same statements (a test's
    # log around a request whose middleware keeps a log of its own).
    outer: StatementLog | None = field(default=None, repr=False)

    @property
    def count(self) -> int:
        return len(self.statements)


_current: ContextVar[StatementLog | None] = ContextVar("fleetgraph_statements", default=None)


@contextmanager
def record_statements() -> Iterator[StatementLog]:
    """Collect the statements run by this task and the tasks it starts."""
    log, token = open_statement_log()
    try:
        yield log
    finally:
        close_statement_log(token)


def open_statement_log() -> tuple[StatementLog, Token[StatementLog | None]]:
    """`record_statements` without a context manager, for the per-request middleware."""
    log = StatementLog(outer=_current.get())
    return log, _current.set(log)


def close_statement_log(token: Token[StatementLog | None]) -> None:
    _current.reset(token)


def note_statement(sql: str) -> None:
    """Count one statement (called by every path that runs SQL)."""
    SQL_STATEMENTS.inc()
    log = _current.get()
    while log is not None:
        log.statements.append(sql)
        log = log.outer


def count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*args: Any) -> None:
        note_statement(str(args[2]))
