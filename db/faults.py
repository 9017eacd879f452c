"""Which database failures are outages or timeouts rather than bugs.

Resolvers see the driver's exceptions (asyncpg directly on the read path,
wrapped by SQLAlchemy on the write path); `fault_code` walks the chain and
names the failure with the code clients see.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
TIMEOUT = "TIMEOUT"

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable
    TimeoutError,  # connect timeout
    asyncpg.PostgresConnectionError,  # class 08: connection lost or refused
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed", "pool is closing"
)


def fault_code(error: BaseException | None) -> str | None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, asyncpg.QueryCanceledError):  # statement_timeout
            return TIMEOUT
        if isinstance(error, _UNAVAILABLE):
            return SERVICE_UNAVAILABLE
        if isinstance(error, DBAPIError):
            if error.connection_invalidated:
                return SERVICE_UNAVAILABLE
            orig = error.orig
            if isinstance(orig, BaseException):
                nested = fault_code(orig)
                if nested is not None:
                    return nested
        error = error.__cause__ or error.__context__
    return None
