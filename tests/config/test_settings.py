"""Settings validation: what production refuses at start-up."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from config import Settings
from config.settings import DEV_JWT_SECRET

PRODUCTION = {"environment": "production", "database_url": "sqlite+aiosqlite:///unused"}


@pytest.mark.parametrize("secret", ["x", "s" * 31, DEV_JWT_SECRET, "é" * 15])
def test_production_refuses_jwt_secrets_under_32_bytes(secret: str) -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET must"):
        Settings(jwt_secret=SecretStr(secret), **PRODUCTION)  # type: ignore[arg-type]


def test_production_accepts_a_32_byte_secret() -> None:
    settings = Settings(jwt_secret=SecretStr("s" * 32), **PRODUCTION)  # type: ignore[arg-type]
    assert settings.jwt_secret.get_secret_value() == "s" * 32


def test_development_keeps_its_built_in_secret() -> None:
    assert Settings().jwt_secret.get_secret_value() == DEV_JWT_SECRET


@pytest.mark.parametrize(
    ("value", "normalized"),
    [("", ""), (" 10.0.0.1 , 10.1.0.0/16 ", "10.0.0.1,10.1.0.0/16"), ("*", "*"), ("::1", "::1")],
)
def test_forwarded_allow_ips_are_addresses_or_networks(value: str, normalized: str) -> None:
    assert Settings(forwarded_allow_ips=value).forwarded_allow_ips == normalized


def test_forwarded_allow_ips_refuses_names() -> None:
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(forwarded_allow_ips="10.0.0.1,proxy.internal")


def test_connection_limits_have_production_defaults() -> None:
    settings = Settings()
    assert settings.header_read_timeout_seconds == 10
    assert settings.body_read_timeout_seconds == 30
    assert settings.max_header_bytes == 16 * 1024
    assert 100 <= settings.max_concurrent_requests <= 1000
    assert settings.forwarded_allow_ips == ""
