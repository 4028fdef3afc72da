"""Live events: the provider-neutral model, each upstream's webhook receiver, de-duplication."""

from __future__ import annotations

from resolvers.events.dedupe import Deduplicator, MemoryDeduplicator
from resolvers.events.model import EventKind, NodeRef, SessionEvent, SlowSubscriberError
from resolvers.events.receiver import (
    Delivery,
    JwksFetcher,
    RejectedError,
    WebhookConfig,
    WebhookFactory,
    WebhookReceiver,
)

__all__ = [
    "Deduplicator",
    "Delivery",
    "EventKind",
    "JwksFetcher",
    "MemoryDeduplicator",
    "NodeRef",
    "RejectedError",
    "SessionEvent",
    "SlowSubscriberError",
    "WebhookConfig",
    "WebhookFactory",
    "WebhookReceiver",
]
