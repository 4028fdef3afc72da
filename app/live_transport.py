"""Subscription transports on `/graphql`: graphql-transport-ws, plus SSE and multipart over HTTP.

WebSocket subscribers authenticate as queries do: a configured `X-API-Key` on
the upgrade request or in the `connection_init` payload (a browser cannot set
headers on a WebSocket). A subscriber dropped for falling behind has its
connection closed with `SLOW_SUBSCRIBER_CLOSE_CODE`; over HTTP its stream ends
with a `RATE_LIMITED` error instead.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,  # Strawberry's own "stop this operation quietly" signal
)

from resolvers.events import SlowSubscriberError

__all__ = [
    "PROTOCOLS",
    "SLOW_SUBSCRIBER_CLOSE_CODE",
    "LiveTransportWSHandler",
    "key_accepted",
]

# graphql-transport-ws, plus graphql-sse ("distinct connections" mode) and Apollo's
# multipart subscriptions over HTTP. The legacy `graphql-ws` protocol is left out.
PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL)
# 4000-4999 are the application's; graphql-ws clients do not retry codes they do not know.
SLOW_SUBSCRIBER_CLOSE_CODE = 4008
_SLOW_REASON = "Subscriber too slow: its event queue overflowed"


def key_accepted(
    keys: frozenset[str], headers: Mapping[str, str], params: Mapping[str, Any] | None
) -> bool:
    """True when no key is configured, or one is sent in a header or the init payload."""
    if not keys:
        return True
    sent = [headers.get("x-api-key", "")]
    for name in ("X-API-Key", "x-api-key"):
        value = (params or {}).get(name)
        if isinstance(value, str):
            sent.append(value)
    return any(hmac.compare_digest(s.encode(), k.encode()) for s in sent if s for k in keys)


def _dropped(result: object) -> bool:
    # Strawberry's own ExecutionResult (not graphql-core's): read its errors by duck typing.
    errors = getattr(result, "errors", None) or []
    return any(isinstance(getattr(e, "original_error", None), SlowSubscriberError) for e in errors)


class LiveTransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """Closes the connection of a subscriber dropped for falling behind."""

    async def _send_result_stream(
        self, operation: Operation[Any, None], result_source: Any
    ) -> None:
        dropped = False

        async def until_dropped() -> AsyncGenerator[Any, None]:
            nonlocal dropped
            async for result in result_source:
                if _dropped(result):
                    dropped = True
                    return
                yield result

        await super()._send_result_stream(operation, until_dropped())
        if dropped:
            await self.websocket.close(code=SLOW_SUBSCRIBER_CLOSE_CODE, reason=_SLOW_REASON)
            self.operations.pop(operation.id, None)
            raise _OperationStreamClosed
