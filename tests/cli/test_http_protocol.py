"""cli/http_protocol.py: the served protocol takes its head limits from the settings."""

from __future__ import annotations

import orjson

from cli.http_protocol import ServedHttpProtocol, connection_limits
from compat.uvicorn import ConnectionLimits
from config import Settings


def test_limits_default_to_the_settings() -> None:
    limits = connection_limits(Settings())
    assert limits == ConnectionLimits(header_timeout=10.0, max_header_bytes=16 * 1024)


def test_refusals_carry_the_app_refusal_body() -> None:
    body = ServedHttpProtocol.refusal_body(None, "HEADERS_TOO_LARGE", "too large")  # type: ignore[arg-type]
    assert orjson.loads(body) == {
        "errors": [{"message": "too large", "extensions": {"code": "HEADERS_TOO_LARGE"}}]
    }
