"""The HTTP transport for configured upstreams: httpx's API over aiohttp's connection pool.

`httpx-aiohttp` maps every aiohttp connection error to `httpx.ConnectTimeout`,
so a refused connection or a dropped one would read as a timeout. Here only
aiohttp's real timeouts stay timeouts; other connection failures become
`httpx.ConnectError`, as with httpx's own transport (UPSTREAM_UNAVAILABLE).
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

__all__ = ["UpstreamTransport"]


class UpstreamTransport(AiohttpTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.ConnectTimeout as exc:
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ClientConnectionError) and not isinstance(
                cause, TimeoutError
            ):
                raise httpx.ConnectError(str(exc), request=request) from cause
            raise
