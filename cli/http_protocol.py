"""The HTTP protocol `fleetgraph serve` runs: compat/uvicorn.py's, with our settings.

uvicorn builds one per connection in each worker; the head limits come from
that worker's settings (read once) and refusals carry the same JSON body as
every other refusal (limits/refusal.py).
"""

from __future__ import annotations

from functools import lru_cache

from compat.uvicorn import ConnectionLimits, LimitedHttpToolsProtocol
from config import Settings, get_settings
from limits.refusal import refusal_body


def connection_limits(settings: Settings) -> ConnectionLimits:
    return ConnectionLimits(settings.header_read_timeout_seconds, settings.max_header_bytes)


@lru_cache(maxsize=1)
def _configured() -> ConnectionLimits:
    return connection_limits(get_settings())


class ServedHttpProtocol(LimitedHttpToolsProtocol):
    def head_limits(self) -> ConnectionLimits:
        return _configured()

    def refusal_body(self, code: str, message: str) -> bytes:
        return refusal_body(code, message)
