"""The live-events runtime: receivers, the broker, de-duplication and the Vertex poller.

A verified delivery is answered at once; publishing runs after the answer (a
Starlette background task), so the upstream never waits on fan-out or Redis.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import httpx

from app.pubsub import Broker
from app.webhooks.polling import DiscoveryPoller
from resolvers.errors import Provider
from resolvers.events import Delivery, WebhookConfig, WebhookReceiver
from resolvers.registry import SPECS

__all__ = ["LiveEvents"]

_log = logging.getLogger(__name__)


@dataclass
class LiveEvents:
    """Everything live events need for the life of the process."""

    broker: Broker
    receivers: dict[str, WebhookReceiver]
    poller: DiscoveryPoller | None = None
    published: int = field(default=0)
    owned_clients: list[httpx.AsyncClient] = field(default_factory=list)

    @classmethod
    def create(
        cls, broker: Broker, config: WebhookConfig, poller: DiscoveryPoller | None
    ) -> LiveEvents:
        receivers = {}
        for spec in SPECS:
            if spec.webhook is not None:
                receiver = spec.webhook(config)
                receivers[receiver.path] = receiver
        live = cls(broker, receivers, poller)
        broker.fanout.watch_providers(live._providers_changed)
        return live

    async def publish(self, delivery: Delivery, provider: str) -> None:
        """Publish a verified delivery's events, once per delivery id."""
        if not delivery.events:
            return
        try:
            if not await self.broker.first_time(f"{provider}:{delivery.delivery_id}"):
                return
            for event in delivery.events:
                await self.broker.publish(event)
                self.published += 1
        except Exception:
            # After the answer there is no one to tell but the log (no payload: it may be personal).
            _log.exception("Publishing a %s delivery failed", provider)

    async def start(self) -> None:
        await self.broker.start()

    async def close(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        await self.broker.close()
        for client in self.owned_clients:
            await client.aclose()

    def _providers_changed(self, counts: Counter[Provider]) -> None:
        # Vertex AI Search has no event channel: poll it only while someone listens.
        if self.poller is None:
            return
        if counts[Provider.VERTEX_AI_SEARCH] > 0:
            self.poller.ensure_running()
        else:
            self.poller.stop_soon()
