"""Configuration from `SESSIONGRAPH_*` environment variables (README.md, "Configuration")."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every knob of the gateway. An upstream whose URL is unset runs on its emulator."""

    model_config = SettingsConfigDict(env_prefix="SESSIONGRAPH_", extra="ignore")

    meet_url: str | None = None
    discovery_url: str | None = None
    discovery_parent: str = (
        "projects/sessiongraph-demo/locations/global/collections/default_collection"
        "/engines/sessiongraph-demo"
    )
    stream_url: str | None = None
    stream_api_key: SecretStr | None = None
    stream_api_secret: SecretStr | None = None
    realtimekit_url: str | None = None
    realtimekit_account_id: str | None = None
    realtimekit_app_id: str | None = None
    realtimekit_api_token: SecretStr | None = None
    google_access_token: SecretStr | None = None
    api_keys: SecretStr | None = Field(
        default=None, description="Comma-separated keys accepted in X-API-Key"
    )
    cursor_secret: SecretStr | None = None

    # Paging and operation limits.
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1, le=1000)
    max_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=40, ge=1)
    max_tokens: int = Field(default=4000, ge=10)
    max_ids: int = Field(default=100, ge=1, description="Most ids one `nodes` call takes")

    # Upstream HTTP behaviour.
    connect_timeout: float = Field(default=3.0, gt=0)
    read_timeout: float = Field(default=15.0, gt=0)
    # Per upstream: high enough that one nesting level of a query runs as one round.
    upstream_concurrency: int = Field(default=128, ge=1)
    # The connection pool under httpx's client API for configured upstreams: aiohttp's
    # (via httpx-aiohttp) or httpcore's own.
    upstream_transport: Literal["aiohttp", "httpx"] = "aiohttp"
    # Seconds an idle pooled upstream connection is kept. Below the 5 s idle timeout
    # common to HTTP servers (uvicorn's, Node's, Apache's defaults; the emulators run
    # uvicorn), so the pool drops a connection before the server closes it under a
    # request. A close that still races a request is retried (resolvers/http.py).
    upstream_keepalive_expiry: float = Field(default=4.0, gt=0)
    retry_attempts: int = Field(default=3, ge=1, le=10)
    retry_base_delay: float = Field(default=0.1, ge=0)
    retry_max_delay: float = Field(default=1.0, ge=0)

    # Cross-request traffic: the cache of upstream reads and the per-upstream throttle.
    cache_url: str | None = Field(
        default=None, description="redis://… to share the cache and quotas; unset: in-process"
    )
    cache_secret: SecretStr | None = Field(
        default=None, description="Key of the identity hash in cache keys (default: cursor_secret)"
    )
    cache_ended_ttl: float = Field(default=86400.0, ge=0)
    cache_live_ttl: float = Field(default=5.0, ge=0)
    cache_max_entries: int = Field(default=20000, ge=0, description="In-process cache bound")
    cache_max_bytes: int = Field(default=256 << 20, ge=0, description="In-process cache bytes")
    # Whole query answers over the upstream cache (app/result_cache.py); None: on whenever
    # the upstream cache keeps anything (either TTL above 0).
    response_cache: bool | None = Field(
        default=None, description="Cache complete query answers derived from cached reads"
    )
    response_cache_max_entries: int = Field(default=2000, ge=0, description="In-process bound")
    response_cache_max_bytes: int = Field(default=64 << 20, ge=0, description="In-process bytes")
    throttle_max_wait: float = Field(
        default=5.0, ge=0, description="Longest a call waits for quota before RATE_LIMITED"
    )
    # `LIMIT/WINDOW` per quota rule of the upstream (comma-separated), or `off`.
    quota_meet: str | None = None
    quota_discovery: str | None = None
    quota_realtimekit: str | None = None
    quota_stream: str | None = None
    # Faults stay local (docs/faults.md).
    operation_timeout: float = Field(
        default=10.0, gt=0, description="Seconds one operation may spend on upstream calls"
    )
    max_upstream_calls: int = Field(default=500, ge=1, description="Upstream calls per operation")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Largest request body")
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=30.0, gt=0)
    readiness_interval: float = Field(
        default=30.0, ge=0, le=30, description="Seconds a readiness answer is reused"
    )
    readiness_timeout: float = Field(default=3.0, gt=0)
    # Live events (subscriptions fed by upstream webhooks; see app/webhooks). With a
    # Redis `cache_url` they fan out to every replica through its pub/sub.
    realtimekit_webhook_public_key: str | None = None
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    meet_push_audience: str | None = None
    meet_push_service_account: str | None = None
    subscription_queue_size: int = Field(default=1024, ge=1)
    discovery_poll_interval: float = Field(default=10.0, gt=0)

    # Emulators (used for every upstream whose URL is unset).
    emulator_seed: int = 20261101
    emulator_latency_ms: float = Field(default=0.0, ge=0)
    emulator_error_rate: float = Field(default=0.0, ge=0, le=1)
    # Seconds between emulated joins/leaves delivered as webhooks (0: only when stepped;
    # `demo` uses 3 unless this is set).
    emulator_live_interval: float | None = Field(default=None, ge=0)
    # Where the in-process emulators deliver their webhooks (`demo` sets its own URL).
    emulator_webhook_url: str | None = None

    def upstream_url(self, name: str) -> str | None:
        """The configured base URL of the upstream named `name` (None: its emulator)."""
        url = getattr(self, f"{name}_url")
        return url if isinstance(url, str) and url else None

    # Operations (metrics, logs, persisted documents, browsers).
    metrics_enabled: bool = Field(default=True, description="Serve /metrics and record metrics")
    log_format: Literal["json", "console"] | None = Field(
        default=None, description="Log lines as JSON or for a terminal (serve: json, demo: console)"
    )
    persisted_documents: Path | None = Field(
        default=None, description="relay-compiler's persisted-queries JSON manifest {id: text}"
    )
    persisted_only: bool = Field(default=False, description="Refuse documents not in the manifest")
    apq_cache_size: int = Field(default=1000, ge=1, description="APQ documents kept (LRU)")
    document_cache_size: int = Field(default=512, ge=1, description="Parsed/validated docs kept")
    cors_origins: str | None = Field(
        default=None, description="Comma-separated origins allowed by CORS (off when unset)"
    )

    def api_key_set(self) -> frozenset[str]:
        if self.api_keys is None:
            return frozenset()
        return frozenset(
            k.strip() for k in self.api_keys.get_secret_value().split(",") if k.strip()
        )

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in (self.cors_origins or "").split(",") if o.strip()]
