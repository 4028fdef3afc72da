"""The process-wide runtime: settings, upstream clients, cursor codec and schema.

Built by the app's lifespan; every request's context is made from it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

import httpx
import strawberry
from pydantic import SecretStr
from starlette.requests import Request

from app.emulators import EmulatorConfig, EmulatorHub, build_hub
from app.emulators.config import DEMO_CREDENTIALS
from app.settings import Settings
from resolvers import discovery, meet, realtimekit, stream
from resolvers.cursors import CursorCodec
from resolvers.errors import Provider
from resolvers.http import ErrorParser, RetryPolicy, UpstreamHttp
from resolvers.loaders import Loaders
from resolvers.paging import Paging
from resolvers.upstreams import Caller, UpstreamCredentials, Upstreams
from schema import OperationLimits, build_schema
from schema.context import Context

__all__ = ["Runtime"]

_EMULATOR_BASE = "http://emulators.local"


@dataclass
class Runtime:
    """Everything that lives as long as the process."""

    settings: Settings
    hub: EmulatorHub | None
    upstreams: Upstreams
    codec: CursorCodec
    schema: strawberry.federation.Schema
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    @classmethod
    def create(cls, settings: Settings, hub: EmulatorHub | None = None) -> Runtime:
        urls = (
            settings.meet_url,
            settings.discovery_url,
            settings.realtimekit_url,
            settings.stream_url,
        )
        if hub is None and not all(urls):
            hub = build_hub(EmulatorConfig(seed=settings.emulator_seed))
        if hub is not None and (settings.emulator_latency_ms or settings.emulator_error_rate):
            for emulator in hub.emulators.values():
                emulator.knobs.latency_ms = settings.emulator_latency_ms
                emulator.knobs.error_rate = settings.emulator_error_rate
        clients: list[httpx.AsyncClient] = []

        def upstream(
            provider: Provider, url: str | None, parser: ErrorParser, retry: frozenset[int]
        ) -> UpstreamHttp:
            client = _client(settings, url, hub)
            clients.append(client)
            policy = RetryPolicy(
                attempts=settings.retry_attempts,
                base_delay=settings.retry_base_delay,
                max_delay=settings.retry_max_delay,
                retry_statuses=retry,
            )
            return UpstreamHttp(
                provider,
                client,
                parse_error=parser,
                policy=policy,
                timeout=settings.read_timeout,
                concurrency=settings.upstream_concurrency,
            )

        upstreams = Upstreams(
            meet=upstream(
                Provider.GOOGLE_MEET, settings.meet_url, meet.error_parser, meet.RETRY_STATUSES
            ),
            discovery=upstream(
                Provider.VERTEX_AI_SEARCH,
                settings.discovery_url,
                discovery.error_parser,
                discovery.RETRY_STATUSES,
            ),
            realtimekit=upstream(
                Provider.CLOUDFLARE_REALTIMEKIT,
                settings.realtimekit_url,
                realtimekit.error_parser,
                realtimekit.RETRY_STATUSES,
            ),
            stream=upstream(
                Provider.STREAM_VIDEO,
                settings.stream_url,
                stream.error_parser,
                stream.RETRY_STATUSES,
            ),
            credentials=_credentials(settings),
        )
        secret = (
            settings.cursor_secret.get_secret_value().encode() if settings.cursor_secret else None
        )
        limits = OperationLimits(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
        )
        return cls(
            settings=settings,
            hub=hub,
            upstreams=upstreams,
            codec=CursorCodec(_stretch(secret) if secret else os.urandom(32)),
            schema=build_schema(limits),
            clients=clients,
        )

    def context_for(self, request: Request | None) -> Context:
        paging = Paging(
            codec=self.codec,
            max_page_size=self.settings.max_page_size,
            default_page_size=self.settings.default_page_size,
        )
        caller = Caller(authorization=request.headers.get("authorization") if request else None)
        return Context(
            request=request,
            loaders=Loaders.build(self.upstreams, caller, paging),
            paging=paging,
            max_ids=self.settings.max_ids,
        )

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()

    def upstream_modes(self) -> dict[str, str]:
        s = self.settings
        pairs = {
            "meet": s.meet_url,
            "discovery": s.discovery_url,
            "realtimekit": s.realtimekit_url,
            "stream": s.stream_url,
        }
        return {name: "configured" if url else "emulator" for name, url in pairs.items()}


def _stretch(secret: bytes) -> bytes:
    # Short operator-chosen secrets still give a full-length HMAC key.
    return hashlib.sha256(b"sessiongraph-cursor-key\0" + secret).digest()


def _client(settings: Settings, url: str | None, hub: EmulatorHub | None) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    limits = httpx.Limits(
        max_connections=settings.upstream_concurrency,
        max_keepalive_connections=settings.upstream_concurrency,
    )
    if url:
        return httpx.AsyncClient(base_url=url.rstrip("/"), timeout=timeout, limits=limits)
    assert hub is not None  # noqa: S101 - Runtime.create builds a hub whenever a URL is unset
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=hub), base_url=_EMULATOR_BASE, timeout=timeout
    )


def _secret(value: object | None) -> str | None:
    return value.get_secret_value() if isinstance(value, SecretStr) else None


def _credentials(settings: Settings) -> UpstreamCredentials:
    demo = DEMO_CREDENTIALS
    google = _secret(settings.google_access_token)
    # On an emulator the gateway holds the emulator's own token, so the demo works
    # without Google credentials; a real upstream gets the configured token or,
    # without one, the caller's bearer token (None here means "forward").
    meet_token = google or (None if settings.meet_url else demo.google_token)
    discovery_token = google or (None if settings.discovery_url else demo.google_token)
    on_stream_emulator = not settings.stream_url
    on_rtk_emulator = not settings.realtimekit_url
    return UpstreamCredentials(
        meet_token=meet_token,
        discovery_token=discovery_token,
        stream_api_key=demo.stream_api_key
        if on_stream_emulator
        else _secret(settings.stream_api_key) or "",
        stream_api_secret=demo.stream_api_secret
        if on_stream_emulator
        else _secret(settings.stream_api_secret) or "",
        realtimekit_account_id=demo.realtimekit_account_id
        if on_rtk_emulator
        else settings.realtimekit_account_id or "",
        realtimekit_app_id=demo.realtimekit_app_id
        if on_rtk_emulator
        else settings.realtimekit_app_id or "",
        realtimekit_api_token=demo.realtimekit_api_token
        if on_rtk_emulator
        else _secret(settings.realtimekit_api_token) or "",
        discovery_parent=settings.discovery_parent,
    )
