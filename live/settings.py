"""The live transports' settings, from LIVE_* environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LiveSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIVE_", env_file=".env", extra="ignore")

    max_connections: int = Field(default=10_000, ge=0)  # per process, both transports; 0: none
    max_subscriptions_per_connection: int = Field(default=20, ge=1)
    max_subscriptions_per_client: int = Field(default=100, ge=1)  # a token's subject, or an address
    queue_size: int = Field(default=32, ge=1)  # payloads a subscriber may fall behind by
    coalesce_seconds: float = Field(
        default=0.02, ge=0, le=5
    )  # a burst of writes: one recomputation
    keepalive_seconds: float = Field(
        default=15.0, gt=0
    )  # ping (WebSocket) or comment (SSE) interval
    init_timeout_seconds: float = Field(default=5.0, gt=0)  # connection_init must come within
    redis_channel: str = "fleetgraph:live"
    redis_retry_seconds: float = Field(default=1.0, gt=0)
