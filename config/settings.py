"""Settings from environment variables (and an optional `.env` file).

One `Settings` object is built by `get_settings()` and passed into the app
factory; nothing reads the environment at import time.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "fleetgraph.sqlite3"
DEV_JWT_SECRET = "dev-insecure-secret-change-me"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class PersistedQueriesMode(StrEnum):
    APQ = "apq"  # Apollo automatic persisted queries: any client may register a document
    TRUSTED = "trusted"  # only documents loaded from a manifest run
    OFF = "off"  # persisted-query requests are answered PERSISTED_QUERY_NOT_SUPPORTED


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy async URL: postgresql+asyncpg://... or sqlite+aiosqlite:///...",
    )
    database_pool_size: int = Field(default=10, ge=1, le=500)
    season_cache_seconds: float = Field(
        default=10.0, ge=0, description="How long a process reuses the seasons table (0: never)."
    )
    redis_url: str | None = Field(
        default=None, description="redis://... ; unset means the in-process cache."
    )
    log_level: str = "INFO"
    planner_enabled: bool = Field(
        default=True,
        description="Answer covered queries with the planned executor (planner/); "
        "off: the reference executor answers everything.",
    )
    plan_cache_size: int = Field(default=1024, ge=1, le=1_000_000)
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_ttl_seconds: int = Field(default=3600, ge=1)

    # Persisted queries (persisted/): the store is Redis when REDIS_URL is set.
    persisted_queries: PersistedQueriesMode = PersistedQueriesMode.APQ
    trusted_documents_allow_admin_bypass: bool = False
    trusted_documents_file: Path | None = Field(
        default=None, description="Manifest (Apollo or Relay JSON) loaded into the store at start."
    )
    persisted_queries_max_entries: int = Field(default=10_000, ge=1, le=10_000_000)
    persisted_queries_ttl_seconds: int | None = Field(default=None, ge=1)
    persisted_queries_redis_timeout: float = Field(default=0.25, gt=0, le=60)
    persisted_queries_key_prefix: str = Field(default="fleetgraph:pq:", min_length=1)

    # Response cache (cache/): Redis when REDIS_URL is set, else in-process.
    response_cache_enabled: bool = True
    response_cache_default_max_age: int = Field(
        default=60, ge=0, description="Seconds, for types and fields without a cache hint."
    )
    response_cache_max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, description="In-process backend: bodies kept (LRU)."
    )
    response_cache_redis_timeout: float = Field(default=0.05, gt=0, le=10)
    response_cache_backoff_seconds: float = Field(
        default=1.0, ge=0, le=60, description="After a Redis error, bypass it this long."
    )
    response_cache_lock_wait_seconds: float = Field(
        default=1.0, ge=0, le=30, description="Wait for another process computing the same key."
    )
    response_cache_key_prefix: str = Field(default="fleetgraph:rc:", min_length=1)

    # Demo data created by `serve` on an empty embedded database.
    seed_on_empty: bool = True
    demo_drivers: int = Field(default=1000, ge=0)
    demo_trips_per_driver: int = Field(default=50, ge=0)
    demo_seed: int = 42

    # OpenTelemetry reads its own standard variables (OTEL_SERVICE_NAME,
    # OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_SDK_DISABLED, ...);
    # they are listed in README and not duplicated here.

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _refuse_dev_secret_in_production(self) -> Settings:
        if (
            self.environment is Environment.PRODUCTION
            and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        ):
            raise ValueError("JWT_SECRET must be set in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
