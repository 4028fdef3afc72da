"""Webhook receivers and the live-events runtime behind `Subscription.sessionEvents`."""

from __future__ import annotations

from app.webhooks.config import webhook_config
from app.webhooks.live import LiveEvents
from app.webhooks.polling import DiscoveryPoller
from app.webhooks.routes import webhook_routes

__all__ = ["DiscoveryPoller", "LiveEvents", "webhook_config", "webhook_routes"]
