"""The webhook-receiver slot of an upstream spec: verify a delivery, then parse it.

A receiver is built once per process from `WebhookConfig` (the secrets and keys
it checks against). `verify` runs before the delivery is answered: a failure is
`RejectedError` with 401 (not from the upstream) or 400 (unreadable), and nothing is
published. `parse` turns the verified body into provider-neutral events; an
event type the gateway does not map yields no events (acknowledged, ignored).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from resolvers.events.model import SessionEvent
from resolvers.timestamps import Instant

__all__ = [
    "Delivery",
    "JwksFetcher",
    "RejectedError",
    "WebhookConfig",
    "WebhookFactory",
    "WebhookReceiver",
    "body_digest",
]

# Fetches a JSON Web Key Set (`{"keys": [...]}`) with the gateway's own HTTP client.
JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]


class RejectedError(Exception):
    """A delivery refused before anything is published: 401 (unverified) or 400 (unreadable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Delivery:
    """A verified delivery: its de-duplication key and the events it carries."""

    delivery_id: str
    events: list[SessionEvent] = field(default_factory=list)


@dataclass(frozen=True)
class WebhookConfig:
    """What the receivers check deliveries against. Never logged."""

    stream_api_secret: str = ""
    realtimekit_public_key: str = ""
    google_jwks: JwksFetcher | None = None
    meet_audience: str = ""
    meet_service_account: str = ""
    meet_issuers: tuple[str, ...] = ("https://accounts.google.com", "accounts.google.com")

    def __repr__(self) -> str:
        return "WebhookConfig(<redacted>)"


class WebhookReceiver(Protocol):
    """One upstream's receiver (`POST /webhooks/<path>`)."""

    @property
    def path(self) -> str:
        """The last segment of the receiver's URL (`stream`, `realtimekit`, `meet`)."""
        ...

    async def verify(self, headers: Mapping[str, str], body: bytes) -> bytes:
        """The verified (decompressed) body, or `RejectedError`."""
        ...

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: Instant) -> Delivery:
        """The events of a verified body, or `RejectedError(400)` when it is malformed.

        `received_at` stands in for an event time the delivery does not carry.
        """
        ...


WebhookFactory = Callable[[WebhookConfig], WebhookReceiver]


def body_digest(body: bytes) -> str:
    """A stable delivery key for upstreams whose delivery carries no id header."""
    return hashlib.sha256(body).hexdigest()
