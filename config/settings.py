"""Settings from environment variables (and an optional `.env` file).

One `Settings` object is built by `get_settings()` and passed into the app
factory; nothing reads the environment at import time.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bounded import budget

DEFAULT_SQLITE_PATH = Path("var") / "fleetgraph.sqlite3"
DEV_JWT_SECRET = "dev-insecure-secret-change-me"
# HS256 keys shorter than the hash's output can be guessed offline from one token.
MIN_JWT_SECRET_BYTES = 32
# CORS_ALLOW_ORIGINS unset in development: pages served from this machine, any port.
LOCALHOST_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
_ORIGIN = re.compile(r"https?://[^/\s]+")


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
    database_read_urls: str = Field(
        default="",
        description="Comma-separated PostgreSQL streaming replicas reads go to (empty: none).",
    )
    database_replica_max_lag_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="A replica further behind is skipped."
    )
    database_replica_check_seconds: float = Field(
        default=0.5, gt=0, le=60, description="How often each replica's health and lag is read."
    )
    database_consistency_wait_seconds: float = Field(
        default=0.2,
        ge=0,
        le=10,
        description="How long a read with a consistency token waits for a replica to replay "
        "past it before the primary serves it.",
    )
    redis_cluster: bool = Field(
        default=False, description="REDIS_URL names a node of a Redis Cluster."
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
    jwt_audience: str | None = Field(
        default=None, min_length=1, description="When set, tokens must carry this `aud`."
    )
    jwt_issuer: str | None = Field(
        default=None, min_length=1, description="When set, tokens must carry this `iss`."
    )

    # Persisted queries (persisted/): the store is Redis when REDIS_URL is set.
    persisted_queries: PersistedQueriesMode = PersistedQueriesMode.APQ
    trusted_documents_allow_admin_bypass: bool = False
    trusted_documents_file: Path | None = Field(
        default=None, description="Manifest (Apollo or Relay JSON) loaded into the store at start."
    )
    persisted_queries_max_entries: int = Field(default=10_000, ge=1, le=10_000_000)
    persisted_queries_max_bytes: int = Field(
        default=budget.PERSISTED,
        ge=1024,
        description="APQ registrations kept by the in-process store: their bytes (LRU).",
    )
    persisted_queries_ttl_seconds: int = Field(
        default=30 * 24 * 3600,
        ge=0,
        description="Expiry of APQ registrations in Redis (0: never).",
    )
    persisted_queries_redis_timeout: float = Field(default=0.25, gt=0, le=60)
    persisted_queries_key_prefix: str = Field(default="fleetgraph:pq:", min_length=1)

    # Response cache (cache/): Redis when REDIS_URL is set, else in-process.
    response_cache_enabled: bool = True
    response_cache_default_max_age: int = Field(
        default=60, ge=0, description="Seconds, for types and fields without a cache hint."
    )
    response_cache_max_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1024,
        description="Bodies kept in memory (LRU): the in-process backend, or Redis's local copies.",
    )
    response_cache_redis_timeout: float = Field(default=0.05, gt=0, le=10)
    response_cache_local_copies: bool = Field(
        default=True,
        description="With Redis: keep entries in memory too, invalidated by Redis tracking.",
    )
    response_cache_backoff_seconds: float = Field(
        default=1.0, ge=0, le=60, description="After a Redis error, bypass it this long."
    )
    response_cache_lock_wait_seconds: float = Field(
        default=1.0, ge=0, le=30, description="Wait for another process computing the same key."
    )
    response_cache_key_prefix: str = Field(default="fleetgraph:rc:", min_length=1)
    response_cache_invalidation_timeout: float = Field(
        default=0.5,
        gt=0,
        le=10,
        description="Seconds one invalidation attempt may take, waiting for a connection included.",
    )
    response_cache_invalidation_attempts: int = Field(
        default=3, ge=1, le=10, description="Attempts per write, within the request deadline."
    )
    response_cache_invalidation_connections: int = Field(
        default=8, ge=1, le=1000, description="Redis connections kept for invalidations only."
    )

    # Hardening (limits/, gql/http_errors.py): every limit has its own error code.
    # README "Security and limits" lists them; 0 turns a count limit off.
    max_body_bytes: int = Field(default=100_000, ge=1_000, le=100_000_000)
    max_url_bytes: int = Field(default=8_192, ge=256, le=1_000_000)
    max_tokens: int = Field(default=2_000, ge=0)
    max_depth: int = Field(default=12, ge=0)
    max_aliases: int = Field(default=30, ge=0)
    max_directives: int = Field(default=50, ge=0)
    max_root_fields: int = Field(default=10, ge=0)
    max_selection_steps: int = Field(
        default=10_000,
        ge=100,
        le=10_000_000,
        description="Steps the selection collector may take per document (SELECTION_TOO_COMPLEX).",
    )
    max_batch_operations: int = Field(
        default=0, ge=0, le=100, description="HTTP batching: 0 off, else the most operations."
    )
    max_query_cost: int = Field(default=10_000, ge=1)
    max_errors: int = Field(default=20, ge=1, le=1_000)
    rate_limit_enabled: bool = True
    rate_limit_bucket_size: int = Field(default=20_000, ge=1)
    rate_limit_restore_rate: float = Field(default=2_000.0, gt=0, description="points/second")
    rate_limit_anonymous_bucket_size: int = Field(
        default=10_000, ge=1, description="The bucket of a client without a token (by address)."
    )
    rate_limit_anonymous_restore_rate: float = Field(
        default=50.0, gt=0, description="points/second for a client without a token"
    )
    rate_limit_redis_timeout: float = Field(default=0.1, gt=0, le=10)
    rate_limit_points_per_cpu_ms: float = Field(
        default=100.0,
        ge=0,
        description="Points charged per CPU millisecond a new document's parse and "
        "validation take (prepared/preparation_cost.py); 0: not charged.",
    )
    rate_limit_throttle_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="How long a client in debt waits for its 429 (limits/debt_gate.py).",
    )
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    database_statement_timeout_ms: int = Field(default=5_000, ge=0, le=3_600_000)
    introspection: bool | None = Field(
        default=None, description="Introspection and field suggestions; default: on in development."
    )

    # Connections (cli/http_protocol.py, limits/concurrency.py, limits/body_timeout.py).
    header_read_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    body_read_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)
    max_concurrent_requests: int = Field(
        default=200, ge=0, description="In-flight HTTP requests per process; 0: no cap."
    )
    keep_alive_timeout_seconds: int = Field(default=5, ge=1, le=600)
    worker_healthcheck_timeout_seconds: int = Field(
        default=60,
        ge=5,
        le=3600,
        description="With --workers > 1: how long a worker may take to answer the "
        "supervisor's ping before it is killed as hung.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies (IPs, networks, or *) whose X-Forwarded-For/-Proto are believed; "
        "empty: none, the connection's address is the client's.",
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token /metrics asks for; required there in production."
    )

    # Browsers (web/): README "Calling the API from a browser".
    cors_allow_origins: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description="Origins (scheme://host[:port], comma-separated, or *) whose pages may "
        "call the API; unset: localhost origins in development, none in production.",
    )
    cors_allow_origin_regex: str | None = Field(
        default=None, description="Origins matching this pattern in full are allowed too."
    )
    cors_allow_credentials: bool = Field(
        default=False, description="Let pages send cookies and HTTP auth (bearer tokens need not)."
    )
    cors_allow_headers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Request headers allowed beyond the built-in list (web/cors.py).",
    )
    cors_max_age_seconds: int = Field(
        default=7200, ge=0, le=86_400, description="How long a browser may reuse a preflight."
    )
    compression: bool = Field(default=True, description="gzip and brotli by Accept-Encoding.")
    compression_min_bytes: int = Field(
        default=1024, ge=0, description="Bodies smaller than this are sent uncompressed."
    )
    compression_cache_bytes: int = Field(
        default=budget.COMPRESSED_ENTRIES,
        ge=1024,
        description="Compressed forms of response-cache entries kept for their hits (LRU).",
    )
    server_timing: bool | None = Field(
        default=None,
        description="Server-Timing header (parse, cache, db, execute, total); "
        "default: on in development.",
    )

    # Bulk trip imports (ingest/, docs/decisions/0032a).
    import_workers: int = Field(
        default=1, ge=0, le=16, description="Import workers each server process runs (0: none)."
    )
    import_batch_rows: int = Field(default=10_000, ge=1, le=100_000)
    import_pool_size: int = Field(
        default=2, ge=1, le=20, description="The import's own connections, apart from reads."
    )
    import_lease_seconds: float = Field(
        default=60.0, gt=0, description="A RUNNING job unheard of this long has lost its worker."
    )
    import_max_attempts: int = Field(
        default=3, ge=1, description="Workers a job may lose before it is marked FAILED."
    )
    import_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    import_batch_pause_seconds: float = Field(
        default=0.0, ge=0, le=60, description="A pause between batches, to throttle an import."
    )
    import_upload_max_bytes: int = Field(
        default=1 << 30, ge=1_000, description="Largest upload (multipart request) accepted."
    )
    import_spool_dir: Path = Field(
        default=Path("var/imports"), description="Where the server keeps uploaded files."
    )

    # Demo data created by `serve` on an empty embedded database.
    seed_on_empty: bool = True
    demo_drivers: int = Field(default=1000, ge=0)
    demo_trips_per_driver: int = Field(default=50, ge=0)
    demo_seed: int = 42

    # OpenTelemetry reads its own standard variables (OTEL_SERVICE_NAME,
    # OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_SDK_DISABLED, ...);
    # they are listed in README and not duplicated here.
    # Observability (observability/): what spans and log lines may carry.
    log_format: Literal["json", "text"] = "json"
    log_requests: bool = Field(default=True, description="One log line per GraphQL request.")
    log_variables: bool = Field(
        default=False, description="Put GraphQL variables in request log lines (user data)."
    )
    trace_graphql_document: Literal["masked", "full", "off"] = Field(
        default="masked", description="graphql.document on spans: masked literals, as sent, none."
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def introspection_enabled(self) -> bool:
        """Introspection, field suggestions: INTROSPECTION, else on outside production."""
        if self.introspection is not None:
            return self.introspection
        return self.environment is not Environment.PRODUCTION

    @property
    def cors_origins(self) -> list[str]:
        return self.cors_allow_origins or []

    @property
    def cors_origin_pattern(self) -> str | None:
        """CORS_ALLOW_ORIGIN_REGEX; else, in development with no origins set, localhost's."""
        if self.cors_allow_origin_regex is not None:
            return self.cors_allow_origin_regex
        if self.cors_allow_origins is None and self.environment is Environment.DEVELOPMENT:
            return LOCALHOST_ORIGINS
        return None

    @property
    def server_timing_enabled(self) -> bool:
        if self.server_timing is not None:
            return self.server_timing
        return self.environment is not Environment.PRODUCTION

    @field_validator("cors_allow_origins", "cors_allow_headers", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_allow_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        """As browsers send them: `https://app.example.com`, no path, no trailing slash."""
        for origin in value or ():
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port]) or *")
        return value

    @field_validator("cors_allow_origin_regex")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        """Comma-separated IPs or networks, or `*`; uvicorn would take a typo for a name."""
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address, a network or *") from None
        return ",".join(entries)

    @model_validator(mode="after")
    def _refuse_wildcard_with_credentials(self) -> Settings:
        # Starlette would answer any origin by name: every site could call with cookies.
        if self.cors_allow_credentials and "*" in self.cors_origins:
            raise ValueError("CORS_ALLOW_ORIGINS=* cannot go with CORS_ALLOW_CREDENTIALS")
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        if self.environment is not Environment.PRODUCTION:
            return self
        secret = self.jwt_secret.get_secret_value()
        if secret == DEV_JWT_SECRET:
            raise ValueError("JWT_SECRET must be set in production")
        if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise ValueError(
                f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes in production "
                "(e.g. `openssl rand -hex 32`)"
            )
        metrics_token = self.metrics_token
        if metrics_token is not None and len(metrics_token.get_secret_value()) < 16:
            raise ValueError("METRICS_TOKEN must be at least 16 characters in production")
        return self

    @property
    def read_urls(self) -> list[str]:
        """DATABASE_READ_URLS as a list (empty: reads go to DATABASE_URL)."""
        return [url.strip() for url in self.database_read_urls.split(",") if url.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
