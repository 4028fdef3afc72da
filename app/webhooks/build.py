"""Builds the live-events runtime for a gateway process from its settings."""

from __future__ import annotations

import time

import httpx

from app.pubsub import build_broker
from app.settings import Settings
from app.webhooks.config import webhook_config
from app.webhooks.live import LiveEvents
from app.webhooks.polling import DiscoveryPoller
from resolvers.discovery import models
from resolvers.discovery.client import DiscoveryClient
from resolvers.errors import Provider
from resolvers.timestamps import Instant
from resolvers.upstreams import Upstreams

__all__ = ["build_live"]

# The newest sessions by update time that one poll round reads (Discovery's page maximum).
_POLL_PAGE = 100


def build_live(settings: Settings, upstreams: Upstreams) -> LiveEvents:
    """Receivers, broker (Redis when the cache URL is Redis) and the Vertex poller."""
    broker = build_broker(settings.cache_url, settings.subscription_queue_size)
    # Fetches a configured JWKS (Google's certs); closed with the live runtime.
    jwks_client = httpx.AsyncClient(timeout=settings.read_timeout)
    live = LiveEvents.create(broker, webhook_config(settings, jwks_client), None)
    live.owned_clients.append(jwks_client)

    async def list_sessions() -> list[models.Session]:
        # The gateway's own Google credential (configured or the emulator's): no caller here.
        credentials = upstreams.credentials
        client = DiscoveryClient(
            upstreams.http[Provider.VERTEX_AI_SEARCH], credentials.discovery_token, None
        )
        page = await client.list(
            credentials.discovery_parent, "", "update_time desc", _POLL_PAGE, None
        )
        return list(page.items)

    live.poller = DiscoveryPoller(
        list_sessions=list_sessions,
        publish=live.publish,
        interval=settings.discovery_poll_interval,
        now=lambda: Instant(time.time_ns()),
    )
    return live
