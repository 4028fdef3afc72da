"""The process-wide runtime: settings, upstream clients, cursor codec and schema.

Built by the app's lifespan; every request's context is made from it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
import strawberry
from pydantic import SecretStr
from starlette.requests import Request

from app.result_cache import OperationResults, build_results
from app.settings import Settings
from app.traffic import Traffic
from app.transport import UpstreamClient, UpstreamTransport
from resolvers.breaker import BreakerPolicy
from resolvers.cursors import CursorCodec
from resolvers.errors import Provider
from resolvers.http import RetryPolicy, UpstreamHttp
from resolvers.loaders import LazyLoaders, Loaders
from resolvers.observe import NULL_OBSERVER, UpstreamObserver
from resolvers.paging import Paging
from resolvers.registry import SPECS
from resolvers.spec import UpstreamSpec
from resolvers.upstreams import Caller, UpstreamCredentials, Upstreams
from schema import OperationLimits, build_schema
from schema.budget import BudgetLimits
from schema.context import Context

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

    from app.emulators import EmulatorHub
    from app.webhooks import LiveEvents

__all__ = ["Runtime", "schema_for"]

_EMULATOR_BASE = "http://emulators.local"


@dataclass
class Runtime:
    """Everything that lives as long as the process."""

    settings: Settings
    hub: EmulatorHub | None
    upstreams: Upstreams
    codec: CursorCodec
    schema: strawberry.federation.Schema
    traffic: Traffic
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    live: LiveEvents | None = None
    # Whole query answers over the upstream cache (None: off; app/result_cache.py).
    results: OperationResults | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        hub: EmulatorHub | None = None,
        *,
        observer: UpstreamObserver = NULL_OBSERVER,
    ) -> Runtime:
        if hub is None and not all(settings.upstream_url(spec.name) for spec in SPECS):
            hub = _default_hub(settings)
        clients: list[httpx.AsyncClient] = []
        http: dict[Provider, UpstreamHttp] = {}
        traffic = Traffic.create(settings)
        for spec in SPECS:
            client = _client(settings, settings.upstream_url(spec.name), hub)
            clients.append(client)
            http[spec.provider] = _upstream_http(settings, spec, client, traffic, observer)
        upstreams = Upstreams(http=http, credentials=_credentials(settings))
        secret = (
            settings.cursor_secret.get_secret_value().encode() if settings.cursor_secret else None
        )
        from app.webhooks.build import build_live  # noqa: PLC0415 - app-level wiring

        codec = CursorCodec(_stretch(secret) if secret else os.urandom(32))
        return cls(
            settings=settings,
            hub=hub,
            upstreams=upstreams,
            codec=codec,
            schema=schema_for(settings),
            traffic=traffic,
            clients=clients,
            live=build_live(settings, upstreams),
            results=build_results(settings, traffic, codec),
        )

    def context_for(self, request: Request | HTTPConnection | None) -> Context:
        paging = Paging(
            codec=self.codec,
            max_page_size=self.settings.max_page_size,
            default_page_size=self.settings.default_page_size,
        )
        authorization = request.headers.get("authorization") if request else None
        caller = Caller(authorization=authorization)
        return Context(
            request=request,
            loaders=Loaders.build(self.upstreams, caller, paging),
            max_ids=self.settings.max_ids,
            authorization=authorization,
            loaders_for=lambda auth: LazyLoaders(
                self.upstreams, Caller(authorization=auth), paging
            ),
            events=self.live.broker.fanout if self.live else None,
        )

    async def close(self) -> None:
        if self.live is not None:
            await self.live.close()
        for client in self.clients:
            await client.aclose()
        if self.results is not None:
            await self.results.cache.close()
        await self.traffic.close()

    def upstream_modes(self) -> dict[str, str]:
        return {
            spec.name: "configured" if self.settings.upstream_url(spec.name) else "emulator"
            for spec in SPECS
        }


def schema_for(settings: Settings) -> strawberry.federation.Schema:
    """The schema for these settings' operation limits (built once per distinct limits)."""
    limits = OperationLimits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        document_cache=settings.document_cache_size,
        budget=BudgetLimits(
            max_upstream_calls=settings.max_upstream_calls,
            operation_timeout=settings.operation_timeout,
            default_page_size=settings.default_page_size,
            max_page_size=settings.max_page_size,
        ),
    )
    return build_schema(limits)


def _default_hub(settings: Settings) -> EmulatorHub:
    # Imported here so a gateway with every upstream configured never loads the emulators.
    from app.emulators import EmulatorConfig, build_hub  # noqa: PLC0415

    # Seed, latency and error rate come from SESSIONGRAPH_EMULATOR_* (as for `emulate`).
    return build_hub(EmulatorConfig.from_settings(settings))


def _upstream_http(
    settings: Settings,
    spec: UpstreamSpec,
    client: httpx.AsyncClient,
    traffic: Traffic,
    observer: UpstreamObserver,
) -> UpstreamHttp:
    policy = RetryPolicy(
        attempts=settings.retry_attempts,
        base_delay=settings.retry_base_delay,
        max_delay=settings.retry_max_delay,
        retry_statuses=spec.retry_statuses,
    )
    return UpstreamHttp(
        spec.provider,
        client,
        parse_error=spec.error_parser,
        policy=policy,
        timeout=settings.read_timeout,
        concurrency=settings.upstream_concurrency,
        cache=traffic.cache_for(spec),
        throttle=traffic.throttles.get(spec.provider),
        identities=traffic.cache.identities,
        observer=observer,
        breaker=spec.breaker
        or BreakerPolicy(settings.breaker_failure_threshold, settings.breaker_cooldown),
    )


def _stretch(secret: bytes) -> bytes:
    # Short operator-chosen secrets still give a full-length HMAC key.
    return hashlib.sha256(b"sessiongraph-cursor-key\0" + secret).digest()


def _client(settings: Settings, url: str | None, hub: EmulatorHub | None) -> httpx.AsyncClient:
    # No read timeout in the pool: UpstreamHttp bounds each attempt as a whole by
    # `read_timeout` (and what is left of the deadline), which no wait between two
    # reads can outlast. The pool's own would be a timer rescheduled on every chunk
    # received (aiohttp's sock_read), for nothing.
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout, read=None)
    limits = httpx.Limits(
        max_connections=settings.upstream_concurrency,
        max_keepalive_connections=settings.upstream_concurrency,
        keepalive_expiry=settings.upstream_keepalive_expiry,
    )
    if url:
        transport = (
            UpstreamTransport(limits=limits) if settings.upstream_transport == "aiohttp" else None
        )
        return UpstreamClient(
            base_url=url.rstrip("/"), timeout=timeout, limits=limits, transport=transport
        )
    assert hub is not None  # noqa: S101 - Runtime.create builds a hub whenever a URL is unset
    return UpstreamClient(
        transport=httpx.ASGITransport(app=hub), base_url=_EMULATOR_BASE, timeout=timeout
    )


def _setting(settings: Settings, field_name: str) -> str:
    value = getattr(settings, field_name)
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value if isinstance(value, str) else ""


def _credentials(settings: Settings) -> UpstreamCredentials:
    emulated = {spec.name for spec in SPECS if not settings.upstream_url(spec.name)}

    def pick(upstream: str, field_name: str) -> str:
        # On an emulator the gateway holds the emulator's own demo credential.
        if upstream in emulated:
            from app.emulators.config import DEMO_CREDENTIALS  # noqa: PLC0415

            return str(getattr(DEMO_CREDENTIALS, field_name))
        return _setting(settings, field_name)

    google = _setting(settings, "google_access_token") or None

    def google_token(upstream: str) -> str | None:
        # A real Google upstream gets the configured token or, without one, the
        # caller's bearer token (None here means "forward").
        return google or (pick(upstream, "google_token") if upstream in emulated else None)

    return UpstreamCredentials(
        meet_token=google_token("meet"),
        discovery_token=google_token("discovery"),
        stream_api_key=pick("stream", "stream_api_key"),
        stream_api_secret=pick("stream", "stream_api_secret"),
        realtimekit_account_id=pick("realtimekit", "realtimekit_account_id"),
        realtimekit_app_id=pick("realtimekit", "realtimekit_app_id"),
        realtimekit_api_token=pick("realtimekit", "realtimekit_api_token"),
        discovery_parent=settings.discovery_parent,
    )
