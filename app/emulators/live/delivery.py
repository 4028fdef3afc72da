"""Sends webhooks as the upstreams do: POST to the registered URL, retried on failure.

Retries follow each upstream's documented behaviour (bounded to 5 attempts):
Stream retries any failure with the same `X-Webhook-Id` and a rising
`X-Webhook-Attempt`; RealtimeKit retries 5xx and network errors but not 4xx;
Pub/Sub push redelivers until one of its acknowledging statuses. Every attempt
is logged so tests can read what was sent and replay it.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.emulators.live.signing import WebhookRequest

__all__ = ["Attempt", "Deliverer"]

_log = logging.getLogger(__name__)
_ATTEMPTS = 5
_PUSH_ACK = frozenset({102, 200, 201, 202, 204})


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt as sent (body base64, so a test can replay it byte for byte)."""

    upstream: str
    url: str
    delivery_id: str
    attempt: int
    status: int  # 0: no answer (network error)
    headers: dict[str, str]
    body_b64: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _retry(upstream: str, status: int) -> bool:
    if upstream == "meet":
        return status not in _PUSH_ACK
    if upstream == "realtimekit":
        return status == 0 or status >= 500
    return not 200 <= status < 300


@dataclass
class Deliverer:
    """Delivers to `url_for(upstream)`; `client` is any httpx client (real sockets or ASGI)."""

    client: httpx.AsyncClient
    url_for: Callable[[str], str | None]
    backoff_s: float = 0.2
    attempts: list[Attempt] = field(default_factory=list)

    async def deliver(self, request: WebhookRequest) -> int:
        """The final status (0 when never answered); skipped (-1) without a target URL."""
        url = self.url_for(request.upstream)
        if not url:
            return -1
        status = 0
        for number in range(1, _ATTEMPTS + 1):
            headers = dict(request.headers)
            if request.upstream == "stream":
                headers["X-Webhook-Attempt"] = str(number)
            status = await self._send(url, request.body, headers)
            self.attempts.append(
                Attempt(
                    request.upstream,
                    url,
                    request.delivery_id,
                    number,
                    status,
                    headers,
                    base64.b64encode(request.body).decode(),
                )
            )
            if not _retry(request.upstream, status):
                return status
            await asyncio.sleep(self.backoff_s * number)
        return status

    async def _send(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError:
            _log.info("Webhook delivery to %s got no answer", url)
            return 0
        return response.status_code
